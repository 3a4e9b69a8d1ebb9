import EdgeRuntime
import Foundation

/// Band-limited sample-rate conversion by a Kaiser-windowed sinc in polyphase form.
///
/// For a rate change `from → to` with `g = gcd(from, to)`, `L = to/g`, `M = from/g`, output
/// sample `n` sits at input time `t = n·M/L`. Its value is `Σ_j x[j]·h(t − j)` with
/// `h(τ) = fc·sinc(fc·τ)·kaiser(τ / W)`, `fc = min(1, L/M)·cutoff` (the low-pass sits just under
/// the lower Nyquist, so downsampling does not alias) and half-width `W = zeroCrossings / min(1, L/M)`
/// input samples. The filter values for each of the `L` fractional positions are tabulated once
/// (the polyphase table, `L × 2K` floats with `K = ⌈W⌉`); when `L` exceeds `maxPhases` (odd
/// rates such as 8001 Hz) the table holds `maxPhases + 1` evenly spaced positions and taps are
/// interpolated linearly between the two nearest.
///
/// Defaults (64 zero crossings, Kaiser β = 8.0, cutoff 0.96): passband flat to ≈ 0.92 of the
/// output Nyquist; tones from 1.05 × the output Nyquist on come out ≥ 80 dB down (tests check both
/// with sines).
/// Samples outside the input count as zeros; the filter is symmetric, so there is no delay.
public struct Resampler: Sendable {
    public let inputRate: Int
    public let outputRate: Int
    let up: Int      // L
    let down: Int    // M
    let halfTaps: Int   // K
    let phases: Int     // rows - 1 when interpolating, L when exact
    let exact: Bool
    let table: [Float]  // (phases + 1) rows × 2K taps

    /// Largest exact polyphase table (rows); beyond it, taps are interpolated.
    public static let maxPhases = 2048

    /// - Throws: `invalid_audio` for a rate outside 8–192 kHz.
    public init(from inputRate: Int, to outputRate: Int, zeroCrossings: Int = 64, beta: Double = 8.0,
                cutoff: Double = 0.96) throws(EdgeError) {
        for r in [inputRate, outputRate] where !AudioClip.sampleRateRange.contains(r) {
            throw EdgeError(.invalidAudio, "cannot resample at \(r) Hz: rates must be in 8000…192000 Hz")
        }
        self.inputRate = inputRate
        self.outputRate = outputRate
        let g = Self.gcd(inputRate, outputRate)
        up = outputRate / g
        down = inputRate / g
        let scale = min(1, Double(up) / Double(down))
        let fc = scale * cutoff
        let width = Double(zeroCrossings) / scale
        halfTaps = Int(width.rounded(.up))
        exact = up <= Self.maxPhases
        phases = exact ? up : Self.maxPhases
        let taps = 2 * halfTaps
        var table = [Float](repeating: 0, count: (phases + 1) * taps)
        let i0beta = Self.besselI0(beta)
        for r in 0...phases {
            let frac = Double(r) / Double(phases)
            for m in 0..<taps {
                // Tap m multiplies x[i0 − K + 1 + m]; its distance from t = i0 + frac:
                let tau = frac + Double(halfTaps - 1 - m)
                guard abs(tau) < width else { continue }
                let x = fc * tau
                let sinc = x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
                let w = Self.besselI0(beta * (1 - (tau / width) * (tau / width)).squareRoot()) / i0beta
                table[r * taps + m] = Float(fc * sinc * w)
            }
        }
        self.table = table
    }

    /// Output length for `inputCount` input samples: ⌈inputCount · L / M⌉.
    public func outputCount(forInput inputCount: Int) -> Int {
        (inputCount * up + down - 1) / down
    }

    /// Resamples one channel.
    public func process(_ input: [Float]) -> [Float] {
        if up == down { return input }
        let n = outputCount(forInput: input.count)
        var out = [Float](repeating: 0, count: n)
        let taps = 2 * halfTaps
        input.withUnsafeBufferPointer { x in
            table.withUnsafeBufferPointer { h in
                out.withUnsafeMutableBufferPointer { y in
                    for i in 0..<n {
                        let num = i * down
                        let base = num / up - halfTaps + 1
                        let rem = num % up
                        // Taps that would read outside the input are skipped (zeros).
                        let lo = max(0, -base), hi = min(taps, x.count - base)
                        guard lo < hi else { continue }
                        if exact {
                            y[i] = dot(x, base, h, rem * taps, lo, hi)
                        } else {
                            let pos = Double(rem) * Double(phases) / Double(up)
                            let r = Int(pos)
                            let w = Float(pos - Double(r))
                            let a = dot(x, base, h, r * taps, lo, hi)
                            let b = dot(x, base, h, (r + 1) * taps, lo, hi)
                            y[i] = a + w * (b - a)
                        }
                    }
                }
            }
        }
        return out
    }

    @inline(__always)
    private func dot(_ x: UnsafeBufferPointer<Float>, _ base: Int, _ h: UnsafeBufferPointer<Float>, _ row: Int,
                     _ lo: Int, _ hi: Int) -> Float {
        var s: Float = 0
        for m in lo..<hi { s += x[base + m] * h[row + m] }
        return s
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 20).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0, k = 1.0
        let q = x * x / 4
        while term > 1e-12 * sum {
            term *= q / (k * k)
            sum += term
            k += 1
        }
        return sum
    }
}
