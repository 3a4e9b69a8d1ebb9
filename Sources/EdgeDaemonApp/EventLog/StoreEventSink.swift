import EdgeRuntime
import EdgeServer
import EdgeStore
import EdgeVoice
import Foundation
import Logging
import Synchronization

/// Writes server and voice events into the state database's event log without blocking the
/// caller: writes are queued on GRDB's writer queue (`appendEventDetached`); a failed write is
/// logged, never thrown back into the event loop or the recognition thread.
///
/// Level switches, governor notes, voice commands and server errors (5xx other than 503) are
/// stored one event each. Answered requests are *summarised*: a `RequestSummaryAggregator`
/// counts them in memory and `flushSummaries` writes one `request_summary` event per key per
/// interval, all in one transaction — one fsync per interval instead of one per request. The
/// daemon flushes on a timer and on graceful shutdown; a hard crash loses only the current
/// interval's counts, which were never acknowledged as stored.
public final class StoreEventSink: EventSink, VoiceEventLog, Sendable {
    public let store: StateStore
    let logger: Logger
    let now: @Sendable () -> Date
    /// Individually stored error events per interval at most (the summary counts them all), so
    /// a failing route cannot bring back one disk write per request.
    public let maxErrorEventsPerInterval: Int
    private let state: Mutex<(aggregator: RequestSummaryAggregator, errorEvents: Int)>

    /// - Parameters:
    ///   - summaryInterval: seconds per request summary (config `event_log.summary_interval_s`).
    ///   - now: the wall clock (tests inject one).
    public init(store: StateStore, logger: Logger, summaryInterval: Double = 10, maxErrorEventsPerInterval: Int = 10,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.logger = logger
        self.now = now
        self.maxErrorEventsPerInterval = maxErrorEventsPerInterval
        state = Mutex((RequestSummaryAggregator(interval: summaryInterval, start: now()), 0))
    }

    public func record(_ event: ServerEvent) {
        switch event {
        case .levelSwitch(let family, let from, let to, let level, let reason):
            append(.levelSwitch, LevelSwitchPayload(family: family, from: from, to: to, level: level, reason: reason))
        case .request(let method, let route, let status, let durationMs, let uid, let served):
            // Liveness probes and metric scrapes arrive at monitoring rates and are counted in
            // /metrics already; they stay out of the event log entirely.
            guard !Self.probeRoutes.contains(route) else { return }
            // 503 is load shedding (counted in the summary); other 5xx are bugs worth a row each.
            let keepError = status >= 500 && status != 503
            let logError = state.withLock { s -> Bool in
                s.aggregator.record(method: method, route: route, status: status, durationMs: durationMs, served: served)
                guard keepError, s.errorEvents < maxErrorEventsPerInterval else { return false }
                s.errorEvents += 1
                return true
            }
            if logError {
                append(.error, RequestPayload(method: method, route: route, status: status, durationMs: durationMs, uid: uid,
                                              model: served?.model, variant: served?.variant))
            }
        }
    }

    /// Routes whose requests are not written to the event log (see `record(_:)`).
    static let probeRoutes: Set<String> = ["/v1/health", "/metrics"]

    public func record(_ command: VoiceCommand) {
        append(.voiceCommand, command)
    }

    /// A governor note that is not a variant switch (mode change, work reduction, signal warning).
    public func recordGovernor(_ message: String, kind: EventKind = .levelSwitch) {
        append(kind, ["governor": message])
    }

    /// Seconds until the current summary interval ends.
    public var secondsUntilSummaryDue: Double { state.withLock { $0.aggregator.remaining(at: now()) } }

    /// Requests counted but not yet written.
    public var pendingRequests: Int { state.withLock { $0.aggregator.pendingRequests } }

    /// Queues the current interval's summaries (one transaction) when the interval is over, or
    /// at once with `force` (shutdown). Returns how many summary events were queued; the
    /// completion (if any) runs once they are durable or failed.
    @discardableResult
    public func flushSummaries(force: Bool = false, completion: (@Sendable (Result<Int, EdgeError>) -> Void)? = nil) -> Int {
        let time = now()
        let summaries: [RequestSummary]? = state.withLock { s in
            guard force || s.aggregator.isDue(at: time) else { return nil }
            s.errorEvents = 0
            return s.aggregator.drain(at: time)
        }
        guard let summaries else { completion?(.success(0)); return 0 }
        let events = summaries.compactMap { summary in encode(summary, kind: .requestSummary).map { (kind: EventKind.requestSummary, json: $0) } }
        let logger = self.logger
        store.appendEventsDetached(events) { result in
            if case .failure(let error) = result {
                logger.warning("request summaries not logged", metadata: ["count": "\(events.count)", "error": "\(error)"])
            }
            completion?(result)
        }
        return events.count
    }

    /// Flushes whenever an interval ends, sleeping in between, until the task is cancelled.
    public func runSummaryLoop() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(max(0.05, secondsUntilSummaryDue))) } catch { return }
            flushSummaries()
        }
    }

    func encode(_ payload: some Encodable, kind: EventKind) -> String? {
        do {
            return String(decoding: try JSONCoding.encoder.encode(payload), as: UTF8.self)
        } catch {
            logger.warning("event not logged: cannot encode", metadata: ["kind": "\(kind)", "error": "\(error)"])
            return nil
        }
    }

    func append(_ kind: EventKind, _ payload: some Encodable) {
        guard let json = encode(payload, kind: kind) else { return }
        let logger = self.logger
        store.appendEventDetached(kind, json: json) { result in
            if case .failure(let error) = result {
                logger.warning("event not logged", metadata: ["kind": "\(kind)", "error": "\(error)"])
            }
        }
    }
}

struct LevelSwitchPayload: Encodable {
    var family: String
    var from: String?
    var to: String
    var level: String
    var reason: String
}

/// An individually stored request (a server error).
struct RequestPayload: Encodable {
    var method: String
    var route: String
    var status: Int
    var durationMs: Double
    var uid: UInt32
    var model: String?
    var variant: String?

    enum CodingKeys: String, CodingKey {
        case method, route, status, uid, model, variant
        case durationMs = "duration_ms"
    }
}
