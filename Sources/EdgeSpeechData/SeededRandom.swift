import EdgeRuntime
import Foundation

/// `SplitMix64` with the draws the generator needs. Its state is one word, so every clip owns
/// a generator derived from (data-set seed, clip number) and the output does not depend on how
/// clips are scheduled over threads.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// A generator for stream `keys` under `seed` (keys are mixed in one at a time).
    public init(seed: UInt64, _ keys: UInt64...) {
        var s = SeededRandom(seed: seed)
        for k in keys { s = SeededRandom(seed: s.next() ^ (k &* 0x9E37_79B9_7F4A_7C15)) }
        self = s
    }

    public mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53)
    }

    /// Uniform integer in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { uniform(0, 1) < p }

    /// Standard normal (Box–Muller; one value per call keeps the stream simple to reason about).
    public mutating func gaussian() -> Double {
        let u1 = max(uniform(0, 1), 1e-300), u2 = uniform(0, 1)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A uniformly chosen element. - Precondition: `items` is not empty.
    public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// A stable 64-bit hash of a string (FNV-1a), for seeding by name.
    public static func hash(_ s: String) -> UInt64 {
        s.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}
