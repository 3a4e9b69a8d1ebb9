import NIOCore
import NIOPosix
import Synchronization

/// Runs blocking work (inference) on a fixed pool of worker threads, never on an event loop.
/// At most `capacity` jobs wait or run at once; one more is refused at once with 503 +
/// `Retry-After`, so overload turns into fast errors instead of an unbounded queue.
public final class InferenceQueue: Sendable {
    public let capacity: Int
    public let workers: Int
    public let retryAfterSeconds: Int
    private let pool: NIOThreadPool
    private let counter = PendingCounter()
    private let metrics: ServerMetrics?

    public init(workers: Int, capacity: Int, retryAfterSeconds: Int = 1, metrics: ServerMetrics? = nil) {
        precondition(workers > 0 && capacity > 0)
        self.workers = workers
        self.capacity = capacity
        self.retryAfterSeconds = retryAfterSeconds
        self.metrics = metrics
        pool = NIOThreadPool(numberOfThreads: workers)
        pool.start()
    }

    /// Jobs queued or running now.
    public var depth: Int { counter.value.load(ordering: .relaxed) }

    /// Runs `work` on a worker; the future completes on `eventLoop`. Fails at once with the
    /// 503 `APIError` when the queue is full.
    public func submit<T: Sendable>(on eventLoop: EventLoop, _ work: @escaping @Sendable () throws -> T) -> EventLoopFuture<T> {
        // Reserve a slot first; give it back if we were over capacity.
        let now = counter.value.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        guard now <= capacity else {
            counter.value.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            metrics?.queueRejected.increment()
            return eventLoop.makeFailedFuture(APIError.overloaded(retryAfterSeconds: retryAfterSeconds))
        }
        metrics?.queueDepth.set(to: Double(now))
        let future = pool.runIfActive(eventLoop: eventLoop, work)
        return future.always { [counter, metrics] _ in
            let left = counter.value.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue
            metrics?.queueDepth.set(to: Double(left))
        }
    }

    /// Waits for running jobs and stops the threads.
    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}

/// The queue's slot count, in a class so completion callbacks can share it.
final class PendingCounter: Sendable {
    let value = Atomic<Int>(0)
}
