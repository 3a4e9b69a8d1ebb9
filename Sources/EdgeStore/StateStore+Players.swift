import EdgeMatch
import Foundation

/// The player store on the state database, with errors mapped like every other call.
extension StateStore {
    /// `PlayerStore.upsert` (profile updated, store-maintained estimates kept).
    public func upsertPlayer(_ player: Player) async throws -> Player {
        try await write { db in try PlayerStore.upsert(player, in: db) }
    }

    /// `PlayerStore.record`: durable when this returns.
    public func recordResult(_ result: MatchResult) async throws -> PlayerStore.RecordOutcome {
        try await write { db in try PlayerStore.record(result, in: db) }
    }

    /// Known players among `ids`.
    public func players(ids: [String]) async throws -> [String: Player] {
        try await read { db in try PlayerStore.players(ids: ids, in: db) }
    }
}
