import Foundation

/// A bounded single-producer / single-consumer ring of 16-bit samples between the capture
/// thread and the recognizer.
///
/// Storage is allocated once; `write` and `read` allocate nothing. A mutex + condition variable
/// (not a spin) lets the reader sleep while the ring is empty, so an idle pipeline costs no CPU.
/// When the reader falls behind, `write` follows `policy`: `.dropOldest` (a live microphone
/// must never stall: the oldest samples are discarded and counted) or `.block` (sources that
/// are not paced in real time, such as ALSA's `file` plugin in tests, wait for room).
public final class SampleRing: @unchecked Sendable {
    /// What `write` does when the ring is full.
    public enum OverflowPolicy: Sendable { case dropOldest, block }

    /// Result of one `read`.
    public struct ReadResult: Sendable, Equatable {
        /// Samples copied into the caller's buffer.
        public var count: Int
        /// Samples dropped (overflow) just before the ones returned: a gap in the timeline.
        public var droppedBefore: Int
        /// The ring was closed and is empty: no more samples will come.
        public var closed: Bool
    }

    public let capacity: Int
    public let policy: OverflowPolicy
    private let storage: UnsafeMutableBufferPointer<Int16>
    private let cond = NSCondition()
    private var head = 0          // next read position
    private var count = 0
    private var pendingDrop = 0   // dropped since the last read
    private var isClosed = false
    /// Total samples dropped on overflow since creation.
    public private(set) var droppedTotal = 0
    /// Number of `write` calls that had to drop samples.
    public private(set) var overruns = 0

    public init(capacity: Int, policy: OverflowPolicy = .dropOldest) {
        self.capacity = max(1, capacity)
        self.policy = policy
        storage = .allocate(capacity: self.capacity)
        storage.initialize(repeating: 0)
    }

    deinit { storage.deallocate() }

    /// Samples waiting to be read.
    public var available: Int { cond.lock(); defer { cond.unlock() }; return count }

    /// Overflow counters, read together.
    public var overflowStats: (overruns: Int, droppedSamples: Int) {
        cond.lock(); defer { cond.unlock() }
        return (overruns, droppedTotal)
    }

    /// Appends samples. Returns false (writing nothing more) once the ring is closed.
    @discardableResult
    public func write(_ samples: UnsafeBufferPointer<Int16>) -> Bool {
        cond.lock()
        defer { cond.unlock() }
        var src = samples[...]
        while !src.isEmpty {
            if isClosed { return false }
            var room = capacity - count
            if room == 0 {
                if policy == .block {
                    cond.wait()
                    continue
                }
                // Drop the oldest to make room for everything that is left (at most capacity).
                let need = min(src.count, capacity)
                head = (head + need) % capacity
                count -= need
                pendingDrop += need
                droppedTotal += need
                overruns += 1
                room = need
            }
            let n = min(room, src.count)
            let tail = (head + count) % capacity
            let first = min(n, capacity - tail)
            for i in 0..<first { storage[tail + i] = src[src.startIndex + i] }
            for i in first..<n { storage[i - first] = src[src.startIndex + i] }
            count += n
            src = src.dropFirst(n)
            cond.broadcast()
        }
        return true
    }

    /// Copies up to `buffer.count` samples out, waiting up to `timeout` seconds until at least
    /// `minimum` samples (clamped to 1…`buffer.count`) are available; returns what is there then.
    /// A larger `minimum` lets the reader wake once per model hop instead of once per period.
    public func read(into buffer: UnsafeMutableBufferPointer<Int16>, minimum: Int = 1, timeout: Double) -> ReadResult {
        cond.lock()
        defer { cond.unlock() }
        let want = max(1, min(minimum, buffer.count, capacity))
        if count < want && !isClosed && timeout > 0 {
            let deadline = Date(timeIntervalSinceNow: timeout)
            while count < want && !isClosed {
                if !cond.wait(until: deadline) { break }
            }
        }
        let n = min(count, buffer.count)
        let first = min(n, capacity - head)
        for i in 0..<first { buffer[i] = storage[head + i] }
        for i in first..<n { buffer[i] = storage[i - first] }
        head = (head + n) % capacity
        count -= n
        let dropped = n > 0 || pendingDrop > 0 ? pendingDrop : 0
        pendingDrop = 0
        if n > 0 { cond.broadcast() }   // a blocked writer may continue
        return ReadResult(count: n, droppedBefore: dropped, closed: isClosed && count == 0 && n == 0)
    }

    /// Wakes every waiter; later writes are refused and reads drain what is left.
    public func close() {
        cond.lock()
        isClosed = true
        cond.broadcast()
        cond.unlock()
    }

    /// Re-opens a closed ring, emptied (the microphone was switched back on).
    public func reopen() {
        cond.lock()
        isClosed = false
        head = 0
        count = 0
        pendingDrop = 0
        cond.unlock()
    }
}
