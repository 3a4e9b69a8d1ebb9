import Prometheus
import Synchronization

/// The daemon's Prometheus metrics (swift-prometheus registry, text format 0.0.4 on `GET /metrics`).
///
/// - `edge_http_requests_total{route,status}` and `edge_http_request_duration_seconds{route}`
/// - `edge_inference_requests_total{model,variant}`, `edge_inference_errors_total{model,variant}`,
///   `edge_inference_duration_seconds{model,variant}`
/// - `edge_inference_queue_depth`, `edge_inference_queue_rejected_total`
/// - `edge_model_active{model,variant}` (1 for the active variant), `edge_model_level_auto{model}`
/// - `edge_model_level_switches_total{model,reason}` (reason kind: pin, auto, governor_down,
///   governor_up, reload)
/// - `edge_connections_open`
/// - whatever the registered collectors publish at scrape time (the governor's gauges)
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    public let queueDepth: Gauge
    public let queueRejected: Counter
    public let connectionsOpen: Gauge
    /// Run before each render, so gauges that mirror another component's state are current.
    private let collectors = Mutex<[@Sendable (ServerMetrics) -> Void]>([])

    /// Latency buckets from 50 µs to 5 s: health checks and small models sit at the low end.
    static let buckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    /// `edge_<subsystem>_<name>_<unit>` with help text.
    static func name(_ subsystem: String, _ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "edge", subsystem: subsystem, metricName: metric, unitName: unit, helpText: help)
    }

    static var httpRequests: MetricNameDescriptor { name("http", "requests", "total", "HTTP requests answered") }
    static var httpDuration: MetricNameDescriptor { name("http", "request_duration", "seconds", "HTTP request latency") }
    static var inferences: MetricNameDescriptor { name("inference", "requests", "total", "Inferences run") }
    static var inferenceErrors: MetricNameDescriptor { name("inference", "errors", "total", "Inferences that failed") }
    static var inferenceDuration: MetricNameDescriptor { name("inference", "duration", "seconds", "Inference latency per model and variant") }
    static var modelActive: MetricNameDescriptor { name("model", "active", "", "1 for the variant each model runs now") }
    static var levelAuto: MetricNameDescriptor { name("model", "level", "auto", "1 when the model's level is auto") }
    static var levelSwitches: MetricNameDescriptor {
        name("model", "level_switches", "total", "Variant switches per model and reason kind (pin, auto, governor_down, governor_up, reload)")
    }

    public init() {
        queueDepth = registry.makeGauge(descriptor: Self.name("inference", "queue", "depth", "Inference requests queued or running"))
        queueRejected = registry.makeCounter(descriptor: Self.name("inference", "queue_rejected", "total", "Requests refused with 503 because the queue was full"))
        connectionsOpen = registry.makeGauge(descriptor: Self.name("", "connections", "open", "Open client connections"))
    }

    /// Counts one answered HTTP request under its route pattern (not the raw path, so label
    /// cardinality stays bounded).
    public func recordRequest(route: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.httpRequests, labels: [("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.httpDuration, labels: [("route", route)], buckets: Self.buckets).record(duration)
    }

    /// Counts one inference on a variant (called by inference routes).
    public func recordInference(model: String, variant: String, duration: Duration, failed: Bool) {
        let labels = [("model", model), ("variant", variant)]
        registry.makeCounter(descriptor: Self.inferences, labels: labels).increment()
        if failed {
            registry.makeCounter(descriptor: Self.inferenceErrors, labels: labels).increment()
        }
        registry.makeDurationHistogram(descriptor: Self.inferenceDuration, labels: labels, buckets: Self.buckets).record(duration)
    }

    /// Publishes the active variant and level of every family.
    public func recordLevels(_ status: [ModelRegistry.FamilyStatus], catalog: ModelCatalog) {
        for s in status {
            guard let family = catalog.families[s.family] else { continue }
            for v in family.variants {
                registry.makeGauge(descriptor: Self.modelActive, labels: [("model", s.family), ("variant", v.name)])
                    .set(to: v.name == s.activeVariant ? 1.0 : 0.0)
            }
            registry.makeGauge(descriptor: Self.levelAuto, labels: [("model", s.family)]).set(to: s.level == .auto ? 1.0 : 0.0)
        }
    }

    /// Counts one variant switch of `model`; `reason` is a kind from a small fixed set.
    public func recordLevelSwitch(model: String, reason: String) {
        registry.makeCounter(descriptor: Self.levelSwitches, labels: [("model", model), ("reason", reason)]).increment()
    }

    /// Adds a function run before every render (scrape).
    public func addCollector(_ collect: @escaping @Sendable (ServerMetrics) -> Void) {
        collectors.withLock { $0.append(collect) }
    }

    /// The text exposition, after the collectors have run.
    public func render() -> [UInt8] {
        for collect in collectors.withLock({ $0 }) { collect(self) }
        return registry.emitToBuffer()
    }
}
