import Foundation

/// What a subscriber receives.
public enum VoiceHubMessage: Sendable, Equatable {
    case event(VoiceCommand)
    /// The last message: the hub dropped this subscriber (too slow) or shut down.
    case closed(reason: String)
}

/// One subscriber's bounded queue. Read it with `for await message in subscription` (NIO or
/// any async context), `poll()` (non-blocking) or `next(timeout:)` (a blocking thread).
/// `cancel()` (or dropping the last reference) unsubscribes.
public final class VoiceSubscription: AsyncSequence, @unchecked Sendable {
    public typealias Element = VoiceHubMessage
    /// Events held before the subscriber counts as too slow.
    public let capacity: Int
    private let cond = NSCondition()
    private var queue: [VoiceHubMessage] = []
    private var head = 0
    private var finished = false      // a `.closed` is queued; nothing more will come
    private var delivered = false     // the `.closed` was taken: iteration ends
    private var waiter: CheckedContinuation<VoiceHubMessage?, Never>?
    private let onCancel: @Sendable () -> Void

    init(capacity: Int, onCancel: @escaping @Sendable () -> Void) {
        self.capacity = Swift.max(1, capacity)
        self.onCancel = onCancel
        queue.reserveCapacity(self.capacity + 1)
    }

    deinit { onCancel() }

    private var pending: Int { queue.count - head }

    /// Queues `message`; false when the queue is full (the hub then closes us).
    func offer(_ message: VoiceHubMessage) -> Bool {
        cond.lock()
        guard !finished else { cond.unlock(); return true }
        guard pending < capacity else { cond.unlock(); return false }
        enqueueLocked(message)
        return true
    }

    /// Queues the final `.closed` (one slot beyond capacity is always available for it).
    func close(reason: String) {
        cond.lock()
        guard !finished else { cond.unlock(); return }
        finished = true
        enqueueLocked(.closed(reason: reason))
    }

    /// Appends, then wakes a waiting reader; releases the lock.
    private func enqueueLocked(_ message: VoiceHubMessage) {
        if let w = waiter {
            waiter = nil
            if case .closed = message { delivered = true }
            cond.unlock()
            w.resume(returning: message)
            return
        }
        if head > capacity { queue.removeFirst(head); head = 0 }
        queue.append(message)
        cond.broadcast()
        cond.unlock()
    }

    /// Takes a queued message under the lock.
    private func takeLocked() -> VoiceHubMessage? {
        guard head < queue.count else { return nil }
        let m = queue[head]
        head += 1
        if case .closed = m { delivered = true }
        return m
    }

    /// The next message if one is queued (never blocks); nil otherwise.
    public func poll() -> VoiceHubMessage? {
        cond.lock(); defer { cond.unlock() }
        return takeLocked()
    }

    /// Waits up to `timeout` seconds for a message; nil on timeout or after the `.closed`.
    public func next(timeout: Double) -> VoiceHubMessage? {
        cond.lock(); defer { cond.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while pending == 0 && !delivered {
            if !cond.wait(until: deadline) { break }
        }
        return takeLocked()
    }

    /// Unsubscribes; a waiting iterator ends.
    public func cancel() {
        onCancel()
        cond.lock()
        finished = true
        delivered = true
        let w = waiter
        waiter = nil
        cond.broadcast()
        cond.unlock()
        w?.resume(returning: nil)
    }

    /// Awaits the next message; nil once the subscription is over.
    func nextAsync() async -> VoiceHubMessage? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<VoiceHubMessage?, Never>) in
                cond.lock()
                if let m = takeLocked() { cond.unlock(); c.resume(returning: m); return }
                if delivered || Task.isCancelled { cond.unlock(); c.resume(returning: nil); return }
                waiter = c
                cond.unlock()
            }
        } onCancel: {
            cancel()
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: VoiceSubscription
        public mutating func next() async -> VoiceHubMessage? { await subscription.nextAsync() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(subscription: self) }
}
