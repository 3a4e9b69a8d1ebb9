import EdgeRuntime
import Foundation

/// The generator's random numbers: `SplitMix64`, so a seed gives the same
/// stream on every machine and build. Each image has its own stream (`forImage`), so images can
/// be rendered in any order or in parallel and stay identical.
public struct SceneRandom: Sendable {
    private var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// The stream of image `index` in split `split` of a dataset generated from `seed`.
    public static func forImage(seed: UInt64, split: UInt64, index: UInt64) -> SceneRandom {
        var mixer = SplitMix64(seed: seed)
        var second = SplitMix64(seed: mixer.next() ^ (split &* 0xD1B5_4A32_D192_ED03))
        return SceneRandom(seed: second.next() ^ (index &* 0x9E37_79B9_7F4A_7C15))
    }

    public mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Uniform integer in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u = max(unit(), 1e-300)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * unit())
    }

    /// Approximately standard normal, cheaply: the sum of four 16-bit uniforms (Irwin–Hall),
    /// centred and scaled to unit variance. Good enough for sensor noise, one draw per value.
    public mutating func roughNormal() -> Double {
        let bits = next()
        let sum = Double(bits & 0xFFFF) + Double((bits >> 16) & 0xFFFF) + Double((bits >> 32) & 0xFFFF) + Double(bits >> 48)
        return (sum / 65535 - 2) * 3.0.squareRoot()
    }

    /// A uniformly chosen element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// Log-uniform in [lo, hi): scales are spread evenly over octaves.
    public mutating func logUniform(_ lo: Double, _ hi: Double) -> Double { exp(uniform(log(lo), log(hi))) }
}
