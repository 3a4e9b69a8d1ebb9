import EdgeRuntime
import Foundation
import GRDB

extension EdgeError.Code {
    /// A result or query names players the store does not know (HTTP 404 for the daemon).
    public static let unknownPlayer = EdgeError.Code(rawValue: "unknown_player")
    /// A match id was recorded before with different data (HTTP 409 for the daemon).
    public static let matchConflict = EdgeError.Code(rawValue: "match_conflict")
}

/// Players and match history in SQLite (GRDB).
///
/// The `static … in db:` functions are the operations themselves; they run inside whatever
/// transaction the caller holds, so the simulator can batch them and `EdgeStore` (the daemon's
/// state database) wraps each in one durable write with its threading model.
public struct PlayerStore: Sendable {
    /// Largest number of ids one `players(ids:)` call accepts (bounded SQL, bounded memory).
    public static let maxFetchIDs = 10_000

    public let writer: any DatabaseWriter

    /// Wraps a database whose schema already holds the player tables (`registerMigrations`).
    public init(writer: any DatabaseWriter) { self.writer = writer }

    /// Opens (creating if needed) a standalone player database at `path` in WAL mode and
    /// migrates it. Used by the simulator; the daemon uses `EdgeStore`'s state database.
    public static func open(path: String) throws -> PlayerStore {
        var config = Configuration()
        config.busyMode = .timeout(5)
        let pool = try DatabasePool(path: path, configuration: config)
        try migrator.migrate(pool)
        return PlayerStore(writer: pool)
    }

    /// Outcome of `record`: recording the same result twice is harmless (client retries after a
    /// lost acknowledgement), recording different data under a used id is refused.
    public enum RecordOutcome: Sendable, Equatable { case recorded, duplicate }

    // MARK: - Operations inside a transaction

    /// Inserts a player or updates an existing one's profile (skill, region, latency, play
    /// style, party size). For an existing player `toxicity`, `quit_rate` and `matches_played`
    /// are kept: the store maintains them from recorded results, and a client's stale copy
    /// must not reset them. For a new player the given toxicity/quit_rate seed the estimates.
    /// Returns the stored player.
    @discardableResult
    public static func upsert(_ player: Player, in db: Database) throws -> Player {
        try player.validate()
        try db.execute(sql: """
            INSERT INTO players (id, skill, region, latency_ms, play_style, toxicity, quit_rate, party_size, matches_played)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET skill = excluded.skill, region = excluded.region,
                latency_ms = excluded.latency_ms, play_style = excluded.play_style, party_size = excluded.party_size
            """, arguments: [player.id, player.skill, player.region.rawValue, player.latencyMs, player.playStyle.rawValue,
                             player.toxicity, player.quitRate, player.partySize, player.matchesPlayed])
        guard let stored = try Player.fetchOne(db, key: player.id) else {
            throw EdgeError(.io, "player \(player.id) vanished right after being written")
        }
        return stored
    }

    /// Players by id; ids the store does not know are absent from the result.
    public static func players(ids: [String], in db: Database) throws -> [String: Player] {
        guard ids.count <= maxFetchIDs else {
            throw EdgeError(.invalidInput, "at most \(maxFetchIDs) player ids per lookup, got \(ids.count)")
        }
        for id in ids { try Player.validateID(id) }
        let found = try Player.fetchAll(db, keys: Array(Set(ids)))
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Records a result and updates each participant's `matches_played` and running
    /// quit/toxicity estimates (`Player.recordingMatch`), all in the caller's transaction.
    public static func record(_ result: MatchResult, in db: Database) throws -> RecordOutcome {
        try result.validate()
        if let existing = try match(id: result.matchID, in: db) {
            guard existing.sameOutcome(as: result) else {
                throw EdgeError(.matchConflict, "match \(result.matchID) was already recorded with different data")
            }
            return .duplicate
        }
        let known = try players(ids: result.players, in: db)
        let missing = result.players.filter { known[$0] == nil }
        guard missing.isEmpty else {
            throw EdgeError(.unknownPlayer, "match \(result.matchID) names unknown players \(missing.prefix(10).joined(separator: ", ")); register them first (PUT /v1/match/players/{id})")
        }
        try db.execute(sql: "INSERT INTO matches (id, timestamp, margin, good) VALUES (?, ?, ?, ?)",
                       arguments: [result.matchID, result.timestamp, result.margin, result.isGood])
        let quitters = Set(result.quitters), reported = Set(result.reported)
        for (team, members) in result.teams.enumerated() {
            for (slot, id) in members.enumerated() {
                try db.execute(sql: """
                    INSERT INTO match_players (match_id, player_id, team, slot, quit, reported) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [result.matchID, id, team, slot, quitters.contains(id), reported.contains(id)])
                try known[id]!.recordingMatch(quit: quitters.contains(id), reported: reported.contains(id)).update(db)
            }
        }
        return .recorded
    }

    /// A recorded match, rebuilt from its rows (teams in their original order).
    public static func match(id: String, in db: Database) throws -> MatchResult? {
        guard let row = try Row.fetchOne(db, sql: "SELECT timestamp, margin FROM matches WHERE id = ?", arguments: [id]) else {
            return nil
        }
        let members = try Row.fetchAll(db, sql: """
            SELECT player_id, team, quit, reported FROM match_players WHERE match_id = ? ORDER BY team, slot
            """, arguments: [id])
        var teams: [[String]] = []
        var quitters: [String] = [], reported: [String] = []
        for m in members {
            let team: Int = m["team"], player: String = m["player_id"]
            while teams.count <= team { teams.append([]) }
            teams[team].append(player)
            if m["quit"] as Bool { quitters.append(player) }
            if m["reported"] as Bool { reported.append(player) }
        }
        return try MatchResult(matchID: id, timestamp: row["timestamp"], teams: teams, margin: row["margin"],
                               quitters: quitters, reported: reported)
    }
}
