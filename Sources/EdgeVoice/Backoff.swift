/// Exponential back-off for reopening a capture device: `initial`, doubling up to `cap`.
///
/// Pure value type, so tests drive it without sleeping. `reset()` after a successful read.
public struct Backoff: Sendable, Equatable {
    public let initialMs: Int
    public let capMs: Int
    /// Failures since the last reset.
    public private(set) var failures = 0

    public init(initialMs: Int = 100, capMs: Int = 5_000) {
        self.initialMs = max(1, initialMs)
        self.capMs = max(self.initialMs, capMs)
    }

    /// The delay before the next attempt; counts one more failure.
    public mutating func nextDelayMs() -> Int {
        // 2^failures overflows quickly: stop doubling once past the cap.
        var d = initialMs
        var i = 0
        while i < failures && d < capMs { d *= 2; i += 1 }
        failures += 1
        return min(d, capMs)
    }

    public mutating func reset() { failures = 0 }
}
