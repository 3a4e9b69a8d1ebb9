import EdgeRuntime
import Foundation
import GRDB

extension EdgeError.Code {
    /// The state database file is not SQLite or is damaged. The daemon cannot fix this by
    /// itself without losing data, so it stops and says how to recover.
    public static let stateCorrupt = EdgeError.Code(rawValue: "state_corrupt")
}

/// Turns GRDB/SQLite failures into `EdgeError`s a daemon operator can act on.
enum StoreErrors {
    static func corrupt(_ path: String, _ detail: String) -> EdgeError {
        EdgeError(.stateCorrupt, """
            state database \(path) is not a usable SQLite database (\(detail)). Stop the daemon, move the \
            file aside (mv \(path) \(path).corrupt, and its -wal/-shm files) and start again: an empty state \
            database is created; models are re-registered and re-profiled at startup, players and events \
            start empty. Keep the moved file for inspection (sqlite3 … '.recover').
            """)
    }

    /// Maps any error thrown by a database access; `EdgeError`s pass through unchanged.
    static func map(_ error: any Error, path: String) -> EdgeError {
        if let e = error as? EdgeError { return e }
        guard let db = error as? DatabaseError else {
            return EdgeError(.io, "state database \(path): \(error)")
        }
        switch db.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return corrupt(path, db.message ?? "\(db.resultCode)")
        case .SQLITE_FULL:
            return EdgeError(.io, "state database \(path): the disk is full; free space, then retry")
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_IOERR, .SQLITE_AUTH:
            return EdgeError(.io, "state database \(path): \(db.message ?? "\(db.resultCode)"); check that the state directory exists and is writable by the daemon's user")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return EdgeError(.io, "state database \(path) is locked by another process for too long; is a second daemon running?")
        case .SQLITE_CONSTRAINT:
            return EdgeError(.invalidInput, "state database \(path) refused the write: \(db.message ?? "constraint failed")")
        default:
            return EdgeError(.io, "state database \(path): \(db.message ?? "\(db.resultCode)")")
        }
    }
}
