import Foundation

/// Latency distribution in fixed memory: log-spaced buckets, 8 per doubling, from 1 µs to
/// about 134 s, plus the exact maximum. A quantile is the geometric middle of its bucket, so it
/// is within ±4.5 % of the true value (half a bucket's width, 2^(1/16)), clamped to the
/// observed min/max. Memory does not grow with the number of samples.
public struct LatencyHistogram: Sendable, Equatable {
    /// Lower edge of the first bucket, in milliseconds.
    static let lowestMs = 0.001
    static let bucketsPerDoubling = 8.0
    /// 27 doublings: 1 µs · 2²⁷ ≈ 134 s; slower requests land in the last bucket.
    static let bucketCount = 27 * 8

    private var counts = [UInt32](repeating: 0, count: LatencyHistogram.bucketCount)
    public private(set) var count = 0
    public private(set) var sumMs = 0.0
    public private(set) var minMs = Double.infinity
    public private(set) var maxMs = 0.0

    public init() {}

    /// Adds one sample. Negative or non-finite values (a clock going backwards) count as 0.
    public mutating func record(_ ms: Double) {
        let v = ms.isFinite ? max(0, ms) : 0
        counts[Self.bucket(v)] &+= 1
        count += 1
        sumMs += v
        minMs = min(minMs, v)
        maxMs = max(maxMs, v)
    }

    static func bucket(_ ms: Double) -> Int {
        guard ms > lowestMs else { return 0 }
        let i = Int(log2(ms / lowestMs) * bucketsPerDoubling)
        return min(max(i, 0), bucketCount - 1)
    }

    /// The `q` quantile (0…1) in milliseconds; 0 when empty.
    public func quantile(_ q: Double) -> Double {
        guard count > 0 else { return 0 }
        // Nearest rank: the smallest value with at least q·n samples at or below it.
        let rank = max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for (i, c) in counts.enumerated() where c > 0 {
            seen += Int(c)
            if seen >= rank {
                // The first bucket also holds everything below 1 µs (down to 0).
                if i == 0 { return minMs }
                let middle = Self.lowestMs * exp2((Double(i) + 0.5) / Self.bucketsPerDoubling)
                return min(max(middle, minMs), maxMs)
            }
        }
        return maxMs
    }

    public var meanMs: Double { count > 0 ? sumMs / Double(count) : 0 }
}

