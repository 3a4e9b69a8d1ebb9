import GRDB

extension PlayerStore {
    /// Registers the player tables' migrations. The standalone store (simulator) and the
    /// daemon's state database (`EdgeStore`) both call this, so there is one schema.
    /// Identifiers are prefixed `match-` so they never collide with other modules' migrations.
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("match-v1-players") { db in
            // CHECK constraints repeat `Player.validate()`: a row written by another tool or a
            // bug cannot hold values the feature code would choke on.
            try db.execute(sql: """
                CREATE TABLE players (
                    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                    skill REAL NOT NULL CHECK (skill BETWEEN 0 AND 5000),
                    region TEXT NOT NULL,
                    latency_ms REAL NOT NULL CHECK (latency_ms BETWEEN 0 AND 2000),
                    play_style TEXT NOT NULL,
                    toxicity REAL NOT NULL CHECK (toxicity BETWEEN 0 AND 1),
                    quit_rate REAL NOT NULL CHECK (quit_rate BETWEEN 0 AND 1),
                    party_size INTEGER NOT NULL CHECK (party_size BETWEEN 1 AND 5),
                    matches_played INTEGER NOT NULL DEFAULT 0 CHECK (matches_played >= 0)
                ) WITHOUT ROWID;
                CREATE TABLE matches (
                    id TEXT PRIMARY KEY NOT NULL,
                    timestamp REAL NOT NULL,
                    margin REAL NOT NULL CHECK (margin BETWEEN -1 AND 1),
                    good INTEGER NOT NULL CHECK (good IN (0, 1))
                );
                CREATE INDEX matches_by_time ON matches(timestamp);
                CREATE TABLE match_players (
                    match_id TEXT NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
                    player_id TEXT NOT NULL REFERENCES players(id),
                    team INTEGER NOT NULL CHECK (team >= 0),
                    slot INTEGER NOT NULL CHECK (slot >= 0),
                    quit INTEGER NOT NULL CHECK (quit IN (0, 1)),
                    reported INTEGER NOT NULL CHECK (reported IN (0, 1)),
                    PRIMARY KEY (match_id, player_id)
                ) WITHOUT ROWID;
                CREATE INDEX match_players_by_player ON match_players(player_id);
                """)
        }
    }

    /// A migrator holding only the player tables (the simulator's standalone database).
    public static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        registerMigrations(&m)
        return m
    }
}

/// Players are stored column for column under their snake-case coding keys.
extension Player: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "players"
}
