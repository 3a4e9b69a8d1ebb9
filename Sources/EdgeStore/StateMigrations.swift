import EdgeMatch
import GRDB

/// The state database's schema history. Migrations are append-only: a released identifier is
/// never edited, later changes get a new one (GRDB records which ones ran).
enum StateMigrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("state-v1-models") { db in
            try db.execute(sql: """
                CREATE TABLE models (
                    family TEXT NOT NULL,
                    variant TEXT NOT NULL,
                    file TEXT NOT NULL,
                    checksum TEXT NOT NULL,
                    bytes INTEGER NOT NULL CHECK (bytes >= 0),
                    registered_at REAL NOT NULL,
                    PRIMARY KEY (family, variant)
                ) WITHOUT ROWID;
                CREATE TABLE device_profiles (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    family TEXT NOT NULL,
                    variant TEXT NOT NULL,
                    checksum TEXT NOT NULL,
                    latency_p50_ms REAL NOT NULL CHECK (latency_p50_ms >= 0),
                    latency_p99_ms REAL NOT NULL CHECK (latency_p99_ms >= latency_p50_ms),
                    cpu_ms REAL NOT NULL CHECK (cpu_ms >= 0),
                    measured_at REAL NOT NULL,
                    host TEXT NOT NULL,
                    cpu_model TEXT NOT NULL,
                    FOREIGN KEY (family, variant) REFERENCES models(family, variant) ON DELETE CASCADE
                );
                CREATE INDEX device_profiles_by_model ON device_profiles(family, variant, checksum, measured_at);
                """)
        }
        m.registerMigration("state-v1-events") { db in
            // AUTOINCREMENT: ids are never reused after pruning, so an id a client saw
            // acknowledged always means the same event.
            try db.execute(sql: """
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    timestamp REAL NOT NULL,
                    kind TEXT NOT NULL,
                    payload TEXT NOT NULL
                );
                CREATE INDEX events_by_time ON events(timestamp);
                CREATE INDEX events_by_kind ON events(kind, timestamp);
                """)
        }
        PlayerStore.registerMigrations(&m)
        return m
    }
}
