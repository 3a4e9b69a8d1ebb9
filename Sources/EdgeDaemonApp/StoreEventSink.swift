import EdgeServer
import EdgeStore
import EdgeVoice
import Foundation
import Logging

/// Writes server and voice events into the state database's event log without blocking the
/// caller: each event is queued on GRDB's writer queue (`appendEventDetached`); a failed write
/// is logged, never thrown back into the event loop or the recognition thread.
public struct StoreEventSink: EventSink, VoiceEventLog {
    public let store: StateStore
    let logger: Logger

    public init(store: StateStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func record(_ event: ServerEvent) {
        switch event {
        case .levelSwitch(let family, let from, let to, let level, let reason):
            append(.levelSwitch, LevelSwitchPayload(family: family, from: from, to: to, level: level, reason: reason))
        case .request(let method, let route, let status, let durationMs, let uid):
            // Liveness probes and metric scrapes arrive at monitoring rates and are counted in
            // /metrics already; one fsync'd row each would make the probe cost a disk write.
            guard !Self.probeRoutes.contains(route) else { return }
            append(.request, RequestPayload(method: method, route: route, status: status, durationMs: durationMs, uid: uid))
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

    func append(_ kind: EventKind, _ payload: some Encodable) {
        let json: String
        do {
            json = String(decoding: try JSONCoding.encoder.encode(payload), as: UTF8.self)
        } catch {
            logger.warning("event not logged: cannot encode", metadata: ["kind": "\(kind)", "error": "\(error)"])
            return
        }
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

struct RequestPayload: Encodable {
    var method: String
    var route: String
    var status: Int
    var durationMs: Double
    var uid: UInt32

    enum CodingKeys: String, CodingKey {
        case method, route, status, uid
        case durationMs = "duration_ms"
    }
}
