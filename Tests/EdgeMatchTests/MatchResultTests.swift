import EdgeMatch
import EdgeRuntime
import Foundation
import XCTest

final class MatchResultTests: XCTestCase {
    func result(margin: Double, quitters: [String] = [], teams: [[String]] = [["a"], ["b"]]) throws -> MatchResult {
        try MatchResult(matchID: "m1", timestamp: 1000, teams: teams, margin: margin, quitters: quitters)
    }

    func testGoodMeansCloseAndNobodyQuit() throws {
        XCTAssertTrue(try result(margin: 0.25).isGood)
        XCTAssertTrue(try result(margin: -0.25).isGood)
        XCTAssertFalse(try result(margin: 0.2501).isGood, "one-sided")
        XCTAssertFalse(try result(margin: 0, quitters: ["b"]).isGood, "someone quit")
        XCTAssertTrue(try result(margin: 0, quitters: ["b"]).isClose)
    }

    func testMalformedResultsAreRefused() {
        assertEdgeError(.invalidInput, "needs 2") { _ = try self.result(margin: 0, teams: [["a", "b"]]) }
        assertEdgeError(.invalidInput, "more than one slot") { _ = try self.result(margin: 0, teams: [["a"], ["a"]]) }
        assertEdgeError(.invalidInput, "every team") { _ = try self.result(margin: 0, teams: [["a"], []]) }
        assertEdgeError(.invalidInput, "margin") { _ = try self.result(margin: 1.5) }
        assertEdgeError(.invalidInput, "margin") { _ = try self.result(margin: .nan) }
        assertEdgeError(.invalidInput, "did not play") { _ = try self.result(margin: 0, quitters: ["zed"]) }
        assertEdgeError(.invalidInput, "twice") { _ = try self.result(margin: 0, quitters: ["a", "a"]) }
        assertEdgeError(.invalidInput, "match id") { _ = try MatchResult(matchID: "", timestamp: 0, teams: [["a"], ["b"]], margin: 0) }
        assertEdgeError(.invalidInput, "timestamp") { _ = try MatchResult(matchID: "m", timestamp: .infinity, teams: [["a"], ["b"]], margin: 0) }
    }

    func testJSONUsesTheAPISpellingAndValidates() throws {
        let ok = #"{"match_id":"m7","timestamp":5,"teams":[["a","c"],["b"]],"margin":-0.1,"quitters":["c"]}"#
        let r = try JSONDecoder().decode(MatchResult.self, from: Data(ok.utf8))
        XCTAssertEqual(r.players, ["a", "c", "b"])
        XCTAssertEqual(r.reported, [])
        XCTAssertFalse(r.isGood)
        let bad = #"{"match_id":"m7","timestamp":5,"teams":[["a"],["b"]],"margin":3}"#
        assertEdgeError(.invalidInput, "margin") { _ = try JSONDecoder().decode(MatchResult.self, from: Data(bad.utf8)) }
    }
}
