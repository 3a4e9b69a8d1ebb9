import EdgeMatch
import EdgeRuntime
import Foundation
import GRDB
import XCTest

final class MatchSimulatorTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    func generate(_ name: String, seed: UInt64) throws -> (String, MatchSimulator.Summary) {
        var config = MatchSimulator.Config(seed: seed)
        config.players = 120
        config.matches = 720
        config.queriesPerTransaction = 7  // several transactions even in a small run
        let dir = root + "/" + name
        return (dir, try MatchSimulator(config: config).generate(into: dir))
    }

    /// Every table's rows as text, in key order.
    func dump(_ dir: String) throws -> [String] {
        let db = try DatabaseQueue(path: dir + "/" + MatchSimulator.databaseFile)
        return try db.read { db in
            try ["SELECT * FROM players ORDER BY id", "SELECT * FROM matches ORDER BY id", "SELECT * FROM match_players ORDER BY match_id, player_id"]
                .flatMap { sql in try Row.fetchAll(db, sql: sql).map(\.description) }
        }
    }

    func arrays(_ dir: String) throws -> [Data] {
        try ["train", "test"].flatMap { split in
            try ["features", "categorical", "labels", "groups"].map { try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(split)/\($0).npy")) }
        }
    }

    func testSameSeedGivesIdenticalTablesAndArrays() throws {
        let (a, sa) = try generate("a", seed: 7)
        let (b, _) = try generate("b", seed: 7)
        let (c, _) = try generate("c", seed: 8)
        XCTAssertEqual(try dump(a), try dump(b))
        XCTAssertEqual(try arrays(a), try arrays(b))
        XCTAssertNotEqual(try arrays(a), try arrays(c))
        XCTAssertEqual(sa.matches, 720)
        XCTAssertEqual(sa.trainRows + sa.testRows, 720)
        // Regenerating into the same directory replaces the old outputs.
        _ = try MatchSimulator(config: { var c = MatchSimulator.Config(seed: 7); c.players = 120; c.matches = 720; return c }()).generate(into: a)
        XCTAssertEqual(try arrays(a), try arrays(b))
    }

    func testHistoryArraysAndSplitAgree() throws {
        let (dir, summary) = try generate("h", seed: 3)
        let train = try MatchDataset.load(from: dir + "/train"), test = try MatchDataset.load(from: dir + "/test")
        // Held out by time: the last ~20% of rows, starting on a query boundary.
        XCTAssertEqual(Double(test.count) / 720, 0.2, accuracy: 12.0 / 720)
        XCTAssertLessThan(train.groups.max()!, test.groups.min()!)
        let db = try DatabaseQueue(path: dir + "/" + MatchSimulator.databaseFile)
        try db.read { db in
            // Labels are the stored `good` column in time order; every match counted for both players.
            let good = try Int.fetchAll(db, sql: "SELECT good FROM matches ORDER BY timestamp, CAST(substr(id, 2) AS INTEGER)")
            XCTAssertEqual(good.map(Float.init), train.labels + test.labels)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT SUM(matches_played) FROM players"), 2 * 720)
            let times = try Double.fetchAll(db, sql: "SELECT timestamp FROM matches ORDER BY CAST(substr(id, 2) AS INTEGER)")
            XCTAssertEqual(times, times.sorted(), "match ids follow time")
        }
        // Non-trivial but not hopeless (loose bounds: a small run is noisy).
        XCTAssertGreaterThan(summary.testGoodRate, 0.05)
        XCTAssertLessThan(summary.testGoodRate, 0.7)
        XCTAssertGreaterThan(summary.baselineSkillGapAUC, 0.5)
        XCTAssertLessThan(summary.baselineSkillGapAUC, 0.9)
        let json = try String(contentsOfFile: dir + "/summary.json", encoding: .utf8)
        XCTAssertTrue(json.contains("\"baseline_skill_gap_auc\""))
    }

    func testBadSizesAreRefused() {
        var c = MatchSimulator.Config(seed: 1)
        c.players = 5
        assertEdgeError(.invalidInput, "--players") { _ = try MatchSimulator(config: c).generate(into: self.root) }
        c.players = 100
        c.matches = 3
        assertEdgeError(.invalidInput, "--matches") { _ = try MatchSimulator(config: c).generate(into: self.root) }
    }

    func testSeededRandomIsReproducibleAndInRange() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let xs = (0..<100).map { _ in a.next() }
        XCTAssertEqual(xs, (0..<100).map { _ in b.next() })
        XCTAssertNotEqual(xs, (0..<100).map { _ in c.next() })
        for _ in 0..<1000 {
            let u = a.uniform()
            XCTAssertTrue(u >= 0 && u < 1)
            XCTAssertTrue((0..<7).contains(a.index(7)))
        }
    }
}
