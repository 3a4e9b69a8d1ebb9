import EdgeMatch
import EdgeRuntime
import Foundation
import GRDB

/// The daemon's state database, `state.sqlite` under the state directory: model registry and
/// device profiles, the event log, and the player tables (one file, one schema history).
///
/// **Durability.** GRDB's `DatabasePool` in WAL mode, with `PRAGMA synchronous = FULL` on the
/// writer connection: every commit fsyncs the WAL before it returns, so a write the daemon has
/// acknowledged survives a process crash *and* a power cut. WAL with `NORMAL` (GRDB's
/// default) survives process crashes but may lose the last commits on power loss — not
/// acceptable for acknowledged `POST /v1/match/results`. The cost is one fsync per write
/// transaction; the state database sees few writes (results, profiles, batched events).
///
/// **Threading.** One writer connection with a serial dispatch queue (GRDB) serialises all
/// writes; reads run concurrently on up to `maximumReaderCount` reader connections and see a
/// committed snapshot. Every method here is `async`: the calling task suspends while the work
/// runs on GRDB's queues, so no NIO event-loop thread ever waits for SQLite. From an event
/// loop, use `promise.completeWithTask { try await store.… }`, or the completion-handler
/// `appendEventDetached` for fire-and-forget logging. Do not call GRDB's blocking
/// `read`/`write` on `pool` from an event loop. `StateStore` is `Sendable`; share one instance.
///
/// **Opening** is synchronous (startup, before the socket serves) and checks the file: a
/// non-SQLite or damaged file, or a schema from a newer version, gives an `EdgeError` telling
/// the operator what to do (`state_corrupt`, `io_error`) rather than a crash.
public final class StateStore: Sendable {
    /// Retention and timing settings.
    public struct Options: Sendable {
        /// Events older than this are pruned.
        public var eventMaxAge: TimeInterval = 7 * 24 * 3600
        /// At most this many events are kept (oldest pruned first).
        public var eventMaxRows = 100_000
        /// Pruning runs inside every n-th event append (and on `pruneEvents()`): a bounded,
        /// index-driven delete of only the excess rows, so it stays cheap.
        public var pruneEvery = 256
        /// How long a write waits for a lock held by another process before failing.
        public var busyTimeout: TimeInterval = 5
        /// The clock for event timestamps and retention (tests inject a fake one).
        public var now: @Sendable () -> Date = { Date() }

        public init() {}
    }

    /// File name inside the state directory.
    public static let fileName = "state.sqlite"

    public let path: String
    public let options: Options
    /// The pool itself, for modules that compose their own transactions.
    public let pool: DatabasePool
    let appendCounter = LockedCounter()

    /// Opens (creating if needed) `<directory>/state.sqlite`; the directory is created with
    /// mode 0700 if missing. Runs pending migrations.
    public init(directory: String, options: Options = Options()) throws(EdgeError) {
        try Self.prepareDirectory(directory)
        path = directory + "/" + Self.fileName
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw EdgeError(.io, "\(path) is a directory, not a state database; remove it or choose another --state-dir")
        }
        self.options = options
        var config = Configuration()
        config.busyMode = .timeout(options.busyTimeout)
        config.label = "edge-assistant.state"
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try pool.writeWithoutTransaction { db in
                // After DatabasePool's own WAL setup, which sets NORMAL (see type docs).
                try db.execute(sql: "PRAGMA synchronous = FULL")
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else {
                    throw StoreErrors.corrupt(path, "quick_check: " + check.prefix(3).joined(separator: "; "))
                }
            }
            let migrator = StateMigrations.migrator
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            guard !superseded else {
                throw EdgeError(.stateCorrupt, "state database \(path) was written by a newer edge-assistant (unknown migrations); upgrade, or move the file aside to start empty")
            }
            try migrator.migrate(pool)
        } catch {
            throw StoreErrors.map(error, path: directory + "/" + Self.fileName)
        }
    }

    /// Creates the state directory 0700 if missing; refuses a path that is a file.
    static func prepareDirectory(_ directory: String) throws(EdgeError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw EdgeError(.io, "state directory \(directory) is a file, not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw EdgeError(.io, "cannot create state directory \(directory): \(error.localizedDescription)")
        }
    }

    /// A write transaction on the serial writer queue; errors become `EdgeError`s.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.write(body) } catch { throw StoreErrors.map(error, path: path) }
    }

    /// A read on a reader connection (concurrent with writes); errors become `EdgeError`s.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.read(body) } catch { throw StoreErrors.map(error, path: path) }
    }

    /// `PRAGMA integrity_check` (full scan; for tests and `doctor`-style tooling, not hot paths).
    public func integrityCheck() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// Closes all connections; later calls fail. Call once at shutdown after in-flight work.
    public func close() throws(EdgeError) {
        do { try pool.close() } catch { throw StoreErrors.map(error, path: path) }
    }
}

/// A thread-safe counter (the prune trigger is bumped from whatever thread appends).
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Increments and returns true every `period`-th call.
    func tick(period: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        if value >= max(1, period) { value = 0; return true }
        return false
    }
}
