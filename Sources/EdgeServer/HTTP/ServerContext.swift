import Logging
import NIOCore
import Synchronization

/// What every connection needs, shared and swapped atomically on reload: the router, the
/// access policy, limits, the inference queue and metrics.
public struct ServerContext: Sendable {
    public var router: Router
    public var policy: AccessPolicy
    public var limits: DaemonConfig.Limits
    public var queue: InferenceQueue
    public var metrics: ServerMetrics
    public var events: any EventSink
    public var logger: Logger

    public init(router: Router, policy: AccessPolicy, limits: DaemonConfig.Limits, queue: InferenceQueue,
                metrics: ServerMetrics, events: any EventSink = NullEventSink(), logger: Logger) {
        self.router = router
        self.policy = policy
        self.limits = limits
        self.queue = queue
        self.metrics = metrics
        self.events = events
        self.logger = logger
    }
}

/// Holds the current `ServerContext`; connections read it once per request, reload replaces it.
public final class ServerContextBox: Sendable {
    private let current: Mutex<ServerContext>
    public init(_ context: ServerContext) { current = Mutex(context) }
    public var value: ServerContext { current.withLock { $0 } }
    public func replace(_ context: ServerContext) { current.withLock { $0 = context } }
}
