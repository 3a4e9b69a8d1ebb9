import EdgeRuntime
import Foundation
import GRDB

/// What an event records. Open set: the daemon may add kinds; each is 1–32 of `[a-z0-9_]`.
public struct EventKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// A summary of one API request (route, status, latency).
    public static let request = EventKind(rawValue: "request")
    /// A recognised voice command.
    public static let voiceCommand = EventKind(rawValue: "voice_command")
    /// The governor switched a model's variant.
    public static let levelSwitch = EventKind(rawValue: "level_switch")
    /// An error worth keeping beyond the journal.
    public static let error = EventKind(rawValue: "error")
    /// Daemon lifecycle (start, reload, stop).
    public static let lifecycle = EventKind(rawValue: "lifecycle")

    func validate() throws(EdgeError) {
        guard (1...32).contains(rawValue.utf8.count),
              rawValue.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }) else {
            throw EdgeError(.invalidInput, "event kind '\(rawValue.prefix(40))' must be 1–32 characters of a–z, 0–9, '_'")
        }
    }
}

/// One logged event; `payload` is a JSON object as text.
public struct Event: Sendable, Equatable {
    public var id: Int64
    public var timestamp: Date
    public var kind: EventKind
    public var payload: String
}

extension StateStore {
    /// Largest payload accepted (JSON text bytes): events are summaries, not blobs.
    public static let maxEventPayloadBytes = 16 * 1024

    /// Appends an event (timestamp = `options.now()`) and returns its id once it is durable.
    /// Every `options.pruneEvery`-th append also prunes, in the same transaction.
    @discardableResult
    public func appendEvent(_ kind: EventKind, json: String) async throws -> Int64 {
        let (time, prune) = try prepareEvent(kind, json: json)
        return try await write { db in try self.insertEvent(db, kind, json, time, prune: prune) }
    }

    /// `appendEvent` with an `Encodable` payload (encoded with sorted keys).
    @discardableResult
    public func appendEvent(_ kind: EventKind, payload: some Encodable) async throws -> Int64 {
        try await appendEvent(kind, json: Self.encodeJSON(payload))
    }

    /// Fire-and-forget append for event-loop code that must not wait: the write is queued on
    /// the writer queue and `completion` (if any) runs there with the id or the error.
    public func appendEventDetached(_ kind: EventKind, json: String,
                                    completion: (@Sendable (Result<Int64, EdgeError>) -> Void)? = nil) {
        let time: Date, prune: Bool
        do { (time, prune) = try prepareEvent(kind, json: json) } catch {
            completion?(.failure(StoreErrors.map(error, path: path)))
            return
        }
        let path = self.path
        pool.asyncWrite({ db in try self.insertEvent(db, kind, json, time, prune: prune) }, completion: { _, result in
            completion?(result.mapError { StoreErrors.map($0, path: path) })
        })
    }

    /// `appendEventDetached` for several events in one transaction (one fsync for all of
    /// them: the daemon's periodic request summaries). A bad payload fails the whole batch
    /// before anything is queued.
    public func appendEventsDetached(_ events: [(kind: EventKind, json: String)],
                                     completion: (@Sendable (Result<Int, EdgeError>) -> Void)? = nil) {
        guard !events.isEmpty else { completion?(.success(0)); return }
        let prepared: [(EventKind, String, Date, Bool)]
        do { prepared = try events.map { e throws(EdgeError) in let (t, p) = try prepareEvent(e.kind, json: e.json); return (e.kind, e.json, t, p) } } catch {
            completion?(.failure(error))
            return
        }
        let path = self.path
        pool.asyncWrite({ db in
            for (kind, json, time, prune) in prepared { _ = try self.insertEvent(db, kind, json, time, prune: prune) }
            return prepared.count
        }, completion: { _, result in
            completion?(result.mapError { StoreErrors.map($0, path: path) })
        })
    }

    /// Newest first; optionally one kind and/or events at or after `since`. `limit` 1…10000.
    public func events(kind: EventKind? = nil, since: Date? = nil, limit: Int = 100) async throws -> [Event] {
        guard (1...10_000).contains(limit) else { throw EdgeError(.invalidInput, "event limit must be 1…10000, got \(limit)") }
        try kind?.validate()
        var sql = "SELECT id, timestamp, kind, payload FROM events WHERE 1"
        var args: StatementArguments = []
        if let kind { sql += " AND kind = ?"; _ = args.append(contentsOf: [kind.rawValue]) }
        if let since { sql += " AND timestamp >= ?"; _ = args.append(contentsOf: [since.timeIntervalSince1970]) }
        sql += " ORDER BY id DESC LIMIT ?"
        _ = args.append(contentsOf: [limit])
        return try await read { [sql, args] db in
            try Row.fetchAll(db, sql: sql, arguments: args).map { r in
                Event(id: r["id"], timestamp: Date(timeIntervalSince1970: r["timestamp"]), kind: EventKind(rawValue: r["kind"]), payload: r["payload"])
            }
        }
    }

    /// Number of stored events.
    public func eventCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 }
    }

    /// Applies retention now; returns how many events were deleted.
    @discardableResult
    public func pruneEvents() async throws -> Int {
        let cutoff = options.now().addingTimeInterval(-options.eventMaxAge).timeIntervalSince1970
        let maxRows = options.eventMaxRows
        return try await write { db in try Self.prune(db, before: cutoff, maxRows: maxRows) }
    }

    // MARK: - Internals

    private func prepareEvent(_ kind: EventKind, json: String) throws(EdgeError) -> (Date, Bool) {
        try kind.validate()
        try Self.validatePayload(json)
        return (options.now(), appendCounter.tick(period: options.pruneEvery))
    }

    private func insertEvent(_ db: Database, _ kind: EventKind, _ json: String, _ time: Date, prune: Bool) throws -> Int64 {
        try db.execute(sql: "INSERT INTO events (timestamp, kind, payload) VALUES (?, ?, ?)",
                       arguments: [time.timeIntervalSince1970, kind.rawValue, json])
        let id = db.lastInsertedRowID
        if prune {
            try Self.prune(db, before: time.addingTimeInterval(-options.eventMaxAge).timeIntervalSince1970, maxRows: options.eventMaxRows)
        }
        return id
    }

    /// Both deletes walk an index (timestamp, rowid) and touch only the rows they remove.
    @discardableResult
    static func prune(_ db: Database, before cutoff: Double, maxRows: Int) throws -> Int {
        try db.execute(sql: "DELETE FROM events WHERE timestamp < ?", arguments: [cutoff])
        var deleted = db.changesCount
        try db.execute(sql: """
            DELETE FROM events WHERE id <= (SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET ?)
            """, arguments: [max(0, maxRows)])
        deleted += db.changesCount
        return deleted
    }

    static func validatePayload(_ json: String) throws(EdgeError) {
        guard json.utf8.count <= maxEventPayloadBytes else {
            throw EdgeError(.tooLarge, "event payload is \(json.utf8.count) bytes; the limit is \(maxEventPayloadBytes)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)), object is [String: Any] else {
            throw EdgeError(.invalidInput, "event payload must be a JSON object")
        }
    }

    static func encodeJSON(_ value: some Encodable) throws(EdgeError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            throw EdgeError(.invalidInput, "event payload cannot be encoded as JSON: \(error)")
        }
    }
}
