import Foundation

/// Radix-2 FFT of a real sequence of power-of-two length `n`, returning the power spectrum.
///
/// The `n` real inputs are packed as `n/2` complex values `z[k] = x[2k] + i·x[2k+1]`, one
/// complex FFT of size `n/2` runs in place (iterative, bit-reversed input order, precomputed
/// twiddles), and the standard split step recovers the `n/2 + 1` bins of the real input:
/// `X[k] = ½(Z[k] + Z*[n/2−k]) − ½i·e^{−2πik/n}(Z[k] − Z*[n/2−k])`.
/// All buffers are allocated in `init`; `powerSpectrum` allocates nothing.
///
/// We use our own rather than FFTW: the frontend needs one fixed 512-point transform, 98 times
/// per second of audio (≈ 0.3 MFLOP/s), where a library's planner and dependency buy nothing.
public struct RealFFT: Sendable {
    /// Transform length (a power of two ≥ 4).
    public let size: Int
    private var re: [Float]
    private var im: [Float]
    private let cosTable: [Float]   // cos(2πk/n), k < n/2
    private let sinTable: [Float]   // sin(2πk/n)
    private let bitReverse: [Int]   // for the n/2-point complex transform

    /// - Precondition: `size` is a power of two ≥ 4 (a programmer's choice, not input).
    public init(size: Int) {
        precondition(size >= 4 && size & (size - 1) == 0, "FFT size must be a power of two ≥ 4")
        self.size = size
        let half = size / 2
        re = [Float](repeating: 0, count: half)
        im = [Float](repeating: 0, count: half)
        cosTable = (0..<half).map { Float(cos(2 * Double.pi * Double($0) / Double(size))) }
        sinTable = (0..<half).map { Float(sin(2 * Double.pi * Double($0) / Double(size))) }
        let bits = half.trailingZeroBitCount
        bitReverse = (0..<half).map { i in
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            return r
        }
    }

    /// Writes `|X[k]|²` for `k = 0…size/2` into `power` (`size/2 + 1` values).
    /// - Precondition: `input.count == size`, `power.count == size/2 + 1`.
    public mutating func powerSpectrum(_ input: UnsafeBufferPointer<Float>, into power: UnsafeMutableBufferPointer<Float>) {
        precondition(input.count == size && power.count == size / 2 + 1)
        let half = size / 2
        let (ct, st, br) = (cosTable, sinTable, bitReverse)
        re.withUnsafeMutableBufferPointer { zr in
            im.withUnsafeMutableBufferPointer { zi in
                ct.withUnsafeBufferPointer { c in
                    st.withUnsafeBufferPointer { s in
                        br.withUnsafeBufferPointer { rev in
                            for k in 0..<half {
                                zr[rev[k]] = input[2 * k]
                                zi[rev[k]] = input[2 * k + 1]
                            }
                            Self.complexFFT(zr, zi, c, s)
                            // DC and Nyquist come from Z[0] alone.
                            power[0] = (zr[0] + zi[0]) * (zr[0] + zi[0])
                            power[half] = (zr[0] - zi[0]) * (zr[0] - zi[0])
                            for k in 1..<half {
                                let ar = zr[k], ai = zi[k]
                                let br = zr[half - k], bi = -zi[half - k]   // conj(Z[n/2-k])
                                let er = 0.5 * (ar + br), ei = 0.5 * (ai + bi)
                                let dr = 0.5 * (ar - br), di = 0.5 * (ai - bi)
                                // −i·w·d with w = e^{−2πik/n} = (c, −s)
                                let wr = c[k], wi = -s[k]
                                let pr = wr * dr - wi * di, pi = wr * di + wi * dr
                                let xr = er + pi, xi = ei - pr
                                power[k] = xr * xr + xi * xi
                            }
                        }
                    }
                }
            }
        }
    }

    /// In-place iterative radix-2 DIT FFT of size n/2 on bit-reversed input; twiddles for
    /// size n are indexed with stride so one table serves every stage.
    private static func complexFFT(_ re: UnsafeMutableBufferPointer<Float>, _ im: UnsafeMutableBufferPointer<Float>,
                                   _ c: UnsafeBufferPointer<Float>, _ s: UnsafeBufferPointer<Float>) {
        let m = re.count
        var len = 2
        while len <= m {
            let halfLen = len / 2
            let stride = 2 * m / len   // table is for 2m points
            var start = 0
            while start < m {
                for j in 0..<halfLen {
                    let wr = c[j * stride], wi = -s[j * stride]
                    let a = start + j, b = a + halfLen
                    let tr = re[b] * wr - im[b] * wi
                    let ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                }
                start += len
            }
            len *= 2
        }
    }
}
