import Foundation

/// Triangular filters on the HTK mel scale, `mel(f) = 2595·log10(1 + f/700)`.
///
/// `bands + 2` edge frequencies are spaced evenly in mel from `lowHz` to `highHz`; band `m`
/// rises linearly (in Hz) from edge `m` to a peak of 1 at edge `m+1` and falls to 0 at edge
/// `m+2`. FFT bin `k` sits at `k·rate/fftSize` Hz. The weights are not area-normalised (HTK's
/// convention; librosa `htk=True, norm=None`). Each band stores only its non-zero bins.
public struct MelFilterbank: Sendable {
    public let bands: Int
    /// Per band: first FFT bin and the weights from there on.
    let firstBin: [Int]
    let weights: [[Float]]
    /// Sum of each band's weights (its width in bins), used to turn band energy into density.
    public let bandWidths: [Float]

    public init(bands: Int, fftSize: Int, sampleRate: Int, lowHz: Double, highHz: Double) {
        precondition(bands > 0 && lowHz >= 0 && highHz > lowHz && highHz <= Double(sampleRate) / 2)
        self.bands = bands
        let lo = Self.hzToMel(lowHz), hi = Self.hzToMel(highHz)
        let edges = (0..<(bands + 2)).map { Self.melToHz(lo + (hi - lo) * Double($0) / Double(bands + 1)) }
        let bins = fftSize / 2 + 1
        let binHz = Double(sampleRate) / Double(fftSize)
        var first = [Int](), weights = [[Float]]()
        for m in 0..<bands {
            let (l, c, r) = (edges[m], edges[m + 1], edges[m + 2])
            var w = [Float](), start = -1
            for k in 0..<bins {
                let f = Double(k) * binHz
                let v = f <= l || f >= r ? 0 : f <= c ? (f - l) / (c - l) : (r - f) / (r - c)
                if v > 0 {
                    if start < 0 { start = k }
                    w.append(Float(v))
                } else if start >= 0 { break }
            }
            first.append(max(start, 0))
            weights.append(w)
        }
        firstBin = first
        self.weights = weights
        bandWidths = weights.map { $0.reduce(0, +) }
    }

    public static func hzToMel(_ f: Double) -> Double { 2595 * log10(1 + f / 700) }
    public static func melToHz(_ m: Double) -> Double { 700 * (pow(10, m / 2595) - 1) }

    /// `out[m] = Σ_k w[m][k]·power[k]`.
    public func apply(_ power: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        for m in 0..<bands {
            let f = firstBin[m]
            var s: Float = 0
            weights[m].withUnsafeBufferPointer { w in
                for j in 0..<w.count { s += w[j] * power[f + j] }
            }
            out[m] = s
        }
    }
}
