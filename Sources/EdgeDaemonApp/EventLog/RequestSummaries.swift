import EdgeServer
import EdgeStore
import Foundation

extension EventKind {
    /// Answered requests of one interval, per (method, route, model, variant, status class).
    public static let requestSummary = EventKind(rawValue: "request_summary")
}

/// One `request_summary` event: every request of one key answered in one interval.
public struct RequestSummary: Encodable, Equatable, Sendable {
    public struct Latency: Encodable, Equatable, Sendable {
        public var p50, p99, max, mean: Double
    }
    public var method: String
    public var route: String
    public var model: String?
    public var variant: String?
    /// `2xx`, `4xx`, `5xx`, …
    public var statusClass: String
    public var count: Int
    /// Answers with a 5xx status.
    public var errors: Int
    /// Count per exact status code (a handful per class).
    public var statuses: [String: Int]
    public var latencyMs: Latency
    public var windowStart: Date
    public var windowEnd: Date

    enum CodingKeys: String, CodingKey {
        case method, route, model, variant, count, errors, statuses
        case statusClass = "status_class", latencyMs = "latency_ms"
        case windowStart = "window_start", windowEnd = "window_end"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encode(route, forKey: .route)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encodeIfPresent(variant, forKey: .variant)
        try c.encode(statusClass, forKey: .statusClass)
        try c.encode(count, forKey: .count)
        try c.encode(errors, forKey: .errors)
        try c.encode(statuses, forKey: .statuses)
        try c.encode(latencyMs, forKey: .latencyMs)
        // ISO 8601 with milliseconds: readable in `sqlite3` and unambiguous.
        try c.encode(Self.timeFormat.format(windowStart), forKey: .windowStart)
        try c.encode(Self.timeFormat.format(windowEnd), forKey: .windowEnd)
    }

    static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

/// Folds answered requests into per-key counters and latency histograms for one interval,
/// so the event log gets one row per key per interval instead of one fsync'd row per request.
/// Pure value type: the caller supplies the time (tests inject a clock) and the locking.
///
/// Memory is bounded: keys are route *patterns* × method × variant × status class, capped at
/// `maxKeys`; requests beyond the cap are folded into route `(other)`.
public struct RequestSummaryAggregator: Sendable {
    struct Key: Hashable {
        var method: String
        var route: String
        var served: ServedModel?
        var statusClass: String
    }

    struct Stats {
        var errors = 0
        var statuses: [Int: Int] = [:]
        var latency = LatencyHistogram()
    }

    /// Seconds per summary interval.
    public let interval: Double
    public let maxKeys: Int
    public private(set) var windowStart: Date
    private var stats: [Key: Stats] = [:]

    public init(interval: Double, maxKeys: Int = 512, start: Date) {
        self.interval = interval
        self.maxKeys = max(1, maxKeys)
        windowStart = start
    }

    /// Requests recorded since the window started.
    public var pendingRequests: Int { stats.values.reduce(0) { $0 + $1.latency.count } }

    public mutating func record(method: String, route: String, status: Int, durationMs: Double, served: ServedModel?) {
        let status = min(max(status, 100), 599)
        var key = Key(method: method, route: route, served: served, statusClass: "\(status / 100)xx")
        if stats[key] == nil && stats.count >= maxKeys - 1 {
            key = Key(method: "-", route: "(other)", served: nil, statusClass: key.statusClass)
        }
        stats[key, default: Stats()].add(status: status, durationMs: durationMs)
    }

    /// Whether the interval that began at `windowStart` has ended at `now`.
    public func isDue(at now: Date) -> Bool { now.timeIntervalSince(windowStart) >= interval }

    /// Seconds until the window is due (0 when it is).
    public func remaining(at now: Date) -> Double { max(0, interval - now.timeIntervalSince(windowStart)) }

    /// The summaries of the window ending at `now` (empty when nothing was answered), sorted
    /// by route, method, model, variant and status class; a new window starts at `now`.
    public mutating func drain(at now: Date) -> [RequestSummary] {
        defer {
            stats.removeAll(keepingCapacity: true)
            windowStart = now
        }
        return stats.map { key, s in
            RequestSummary(method: key.method, route: key.route, model: key.served?.model, variant: key.served?.variant,
                           statusClass: key.statusClass, count: s.latency.count, errors: s.errors,
                           statuses: Dictionary(uniqueKeysWithValues: s.statuses.map { (String($0.key), $0.value) }),
                           latencyMs: .init(p50: s.latency.quantile(0.5), p99: s.latency.quantile(0.99),
                                            max: s.latency.maxMs, mean: s.latency.meanMs),
                           windowStart: windowStart, windowEnd: now)
        }.sorted { a, b in
            (a.route, a.method, a.model ?? "", a.variant ?? "", a.statusClass) < (b.route, b.method, b.model ?? "", b.variant ?? "", b.statusClass)
        }
    }
}

extension RequestSummaryAggregator.Stats {
    mutating func add(status: Int, durationMs: Double) {
        if status >= 500 { errors += 1 }
        statuses[status, default: 0] += 1
        latency.record(durationMs)
    }
}
