import Foundation

/// Requests per second per model over a sliding window, fed by the server on every request and
/// read by the governor once per tick.
///
/// The window is split into one-second buckets held in a fixed ring per model, so memory stays
/// bounded however many requests arrive and recording is O(1). The rate is the count in the
/// window's complete seconds divided by the window length (a model that just started receiving traffic ramps up
/// over the window instead of jumping, which is the smoothing the policy wants). Thread-safe:
/// the server records from many threads.
public final class RequestRateEstimator: @unchecked Sendable {
    /// Window length in seconds.
    public let window: Int
    private let lock = NSLock()
    // Guarded by `lock`.
    private var rings: [String: Ring] = [:]

    private struct Ring {
        var counts: [Double]
        var seconds: [Int]  // which absolute second each bucket currently holds
    }

    /// - Parameter window: seconds averaged over (≥ 1).
    public init(window: Int = 10) {
        precondition(window >= 1, "the rate window must be at least one second")
        self.window = window
    }

    /// Counts `count` requests for `model` at clock time `now` (seconds, same clock as `rate`).
    public func record(model: String, count: Double = 1, at now: Double) {
        guard let second = Self.second(now), count.isFinite, count > 0 else { return }
        let slot = Self.slot(second, window)
        lock.lock()
        defer { lock.unlock() }
        var ring = rings[model] ?? Ring(counts: Array(repeating: 0, count: window), seconds: Array(repeating: Int.min, count: window))
        if ring.seconds[slot] != second {
            ring.seconds[slot] = second
            ring.counts[slot] = 0
        }
        ring.counts[slot] += count
        rings[model] = ring
    }

    /// Requests per second for `model` over the `window` whole seconds before the one holding `now`.
    public func rate(model: String, at now: Double) -> Double {
        lock.lock()
        defer { lock.unlock() }
        guard let ring = rings[model] else { return 0 }
        return Self.sum(ring, now: now, window: window) / Double(window)
    }

    /// Rates of every model seen so far.
    public func rates(at now: Double) -> [String: Double] {
        lock.lock()
        defer { lock.unlock() }
        return rings.mapValues { Self.sum($0, now: now, window: window) / Double(window) }
    }

    private static func sum(_ ring: Ring, now: Double, window: Int) -> Double {
        guard let current = second(now) else { return 0 }
        var total = 0.0
        // Complete seconds only: the current one is still filling and would bias the rate low.
        for i in 0..<window where ring.seconds[i] >= current - window && ring.seconds[i] < current {
            total += ring.counts[i]
        }
        return total
    }

    /// The whole second of a clock reading; nil for values no clock produces (NaN, ±inf, huge).
    private static func second(_ now: Double) -> Int? {
        now.isFinite && abs(now) < 1e15 ? Int(now.rounded(.down)) : nil
    }

    private static func slot(_ second: Int, _ window: Int) -> Int {
        ((second % window) + window) % window
    }
}
