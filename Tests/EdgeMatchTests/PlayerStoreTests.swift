import EdgeMatch
import EdgeRuntime
import GRDB
import XCTest

final class PlayerStoreTests: XCTestCase {
    var db: DatabaseQueue!

    override func setUpWithError() throws {
        db = try makePlayerDatabase()
        try db.write { db in
            for id in ["a", "b", "c"] { try PlayerStore.upsert(try makePlayer(id), in: db) }
        }
    }

    func testUpsertUpdatesTheProfileButKeepsStoreMaintainedEstimates() throws {
        try db.write { db in
            _ = try PlayerStore.record(try MatchResult(matchID: "m1", timestamp: 1, teams: [["a"], ["b"]], margin: 0, quitters: ["a"]), in: db)
            let stale = try makePlayer("a", skill: 1900, region: .oce, style: .casual, toxicity: 0.9, quitRate: 0.0, party: 4)
            let stored = try PlayerStore.upsert(stale, in: db)
            XCTAssertEqual(stored.skill, 1900)
            XCTAssertEqual(stored.region, .oce)
            XCTAssertEqual(stored.playStyle, .casual)
            XCTAssertEqual(stored.partySize, 4)
            XCTAssertEqual(stored.matchesPlayed, 1, "kept")
            XCTAssertEqual(stored.quitRate, 0.08 + 0.92 / 6, accuracy: 1e-12, "kept, not reset to the client's 0")
            XCTAssertEqual(stored.toxicity, 0.1 - 0.1 / 6, accuracy: 1e-12)
        }
    }

    func testRecordUpdatesEveryParticipant() throws {
        let r = try MatchResult(matchID: "m1", timestamp: 10, teams: [["a", "c"], ["b"]], margin: 0.1, quitters: ["b"], reported: ["c"])
        XCTAssertEqual(try db.write { try PlayerStore.record(r, in: $0) }, .recorded)
        let players = try db.read { try PlayerStore.players(ids: ["a", "b", "c", "nobody"], in: $0) }
        XCTAssertEqual(players.count, 3)
        XCTAssertEqual(players.values.map(\.matchesPlayed), [1, 1, 1])
        XCTAssertGreaterThan(players["b"]!.quitRate, 0.08)
        XCTAssertLessThan(players["a"]!.quitRate, 0.08)
        XCTAssertGreaterThan(players["c"]!.toxicity, 0.1)
        let back = try db.read { try PlayerStore.match(id: "m1", in: $0) }
        XCTAssertEqual(back, r)
        let good = try db.read { try Bool.fetchOne($0, sql: "SELECT good FROM matches WHERE id = 'm1'") }
        XCTAssertEqual(good, false)
    }

    func testDuplicateIsHarmlessAndConflictIsRefused() throws {
        let r = try MatchResult(matchID: "m1", timestamp: 10, teams: [["a"], ["b"]], margin: 0, quitters: ["a", "b"])
        var reordered = r
        reordered.quitters = ["b", "a"]
        XCTAssertEqual(try db.write { try PlayerStore.record(r, in: $0) }, .recorded)
        XCTAssertEqual(try db.write { try PlayerStore.record(reordered, in: $0) }, .duplicate)
        XCTAssertEqual(try db.read { try PlayerStore.players(ids: ["a"], in: $0) }["a"]?.matchesPlayed, 1, "counted once")
        var other = r
        other.margin = 0.5
        assertEdgeError(.matchConflict, "different data") { _ = try self.db.write { try PlayerStore.record(other, in: $0) } }
    }

    func testUnknownPlayerRollsBackTheWholeResult() throws {
        let r = try MatchResult(matchID: "m1", timestamp: 10, teams: [["a"], ["ghost"]], margin: 0)
        assertEdgeError(.unknownPlayer, "ghost") { _ = try self.db.write { try PlayerStore.record(r, in: $0) } }
        try db.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM matches"), 0)
            XCTAssertEqual(try PlayerStore.players(ids: ["a"], in: db)["a"]?.matchesPlayed, 0)
        }
    }

    func testLookupLimitsAndBadIDs() throws {
        assertEdgeError(.invalidInput, "at most") {
            _ = try self.db.read { try PlayerStore.players(ids: Array(repeating: "a", count: PlayerStore.maxFetchIDs + 1), in: $0) }
        }
        assertEdgeError(.invalidInput, "player id") { _ = try self.db.read { try PlayerStore.players(ids: ["bad id"], in: $0) } }
    }

    func testSchemaRefusesOutOfRangeRowsAndBadRowsFailCleanly() throws {
        XCTAssertThrowsError(try db.write { try $0.execute(sql: "UPDATE players SET toxicity = 2 WHERE id = 'a'") })
        // A row another tool wrote with a region this version does not know: an error, no crash.
        try db.write { try $0.execute(sql: "UPDATE players SET region = 'mars' WHERE id = 'b'") }
        XCTAssertThrowsError(try db.read { try PlayerStore.players(ids: ["b"], in: $0) }) { error in
            XCTAssertTrue("\(error)".contains("mars"), "\(error)")
        }
    }

    func testStandaloneStoreUsesWAL() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ps-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try PlayerStore.open(path: dir + "/p.sqlite")
        XCTAssertEqual(try store.writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }, "wal")
        _ = try store.writer.write { try PlayerStore.upsert(try makePlayer("z"), in: $0) }
        XCTAssertEqual(try PlayerStore.open(path: dir + "/p.sqlite").writer.read { try Player.fetchCount($0) }, 1)
    }
}
