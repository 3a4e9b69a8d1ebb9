import EdgeMatch
import EdgeRuntime
import Foundation
import XCTest

final class PlayerTests: XCTestCase {
    func testValidPlayerRoundTripsThroughSnakeCaseJSON() throws {
        let p = try makePlayer("alice.the-great_1", skill: 1712.5, region: .asia, latency: 42, style: .strategic, party: 3, matches: 7)
        let json = try JSONEncoder().encode(p)
        let text = String(decoding: json, as: UTF8.self)
        for key in ["\"latency_ms\"", "\"play_style\":\"strategic\"", "\"quit_rate\"", "\"party_size\":3", "\"matches_played\":7", "\"region\":\"asia\""] {
            XCTAssertTrue(text.contains(key), "\(key) missing in \(text)")
        }
        XCTAssertEqual(try JSONDecoder().decode(Player.self, from: json), p)
    }

    func testBadIDsAreRefused() {
        for id in ["", String(repeating: "a", count: 65), "a b", "é", "x/y", "a\u{0}"] {
            assertEdgeError(.invalidInput, "player id") { _ = try makePlayer(id) }
        }
        XCTAssertNoThrow(try makePlayer(String(repeating: "a", count: 64)))
    }

    func testOutOfRangeFieldsNameTheField() {
        assertEdgeError(.invalidInput, "skill") { _ = try makePlayer("a", skill: .nan) }
        assertEdgeError(.invalidInput, "skill") { _ = try makePlayer("a", skill: -1) }
        assertEdgeError(.invalidInput, "latency_ms") { _ = try makePlayer("a", latency: 5000) }
        assertEdgeError(.invalidInput, "toxicity") { _ = try makePlayer("a", toxicity: 1.5) }
        assertEdgeError(.invalidInput, "quit_rate") { _ = try makePlayer("a", quitRate: -0.1) }
        assertEdgeError(.invalidInput, "party_size") { _ = try makePlayer("a", party: 0) }
        assertEdgeError(.invalidInput, "party_size") { _ = try makePlayer("a", party: 6) }
        assertEdgeError(.invalidInput, "matches_played") { _ = try makePlayer("a", matches: -1) }
    }

    func testDecodingRefusesUnknownRegionAndStyle() {
        let base = #"{"id":"a","skill":1500,"latency_ms":20,"toxicity":0,"quit_rate":0,"party_size":1,"#
        assertEdgeError(.invalidInput, "region 'mars'") {
            _ = try JSONDecoder().decode(Player.self, from: Data((base + #""region":"mars","play_style":"casual"}"#).utf8))
        }
        assertEdgeError(.invalidInput, "play_style 'sneaky'") {
            _ = try JSONDecoder().decode(Player.self, from: Data((base + #""region":"eu","play_style":"sneaky"}"#).utf8))
        }
        // matches_played is optional on input (clients register new players without it).
        XCTAssertEqual(try JSONDecoder().decode(Player.self, from: Data((base + #""region":"eu","play_style":"casual"}"#).utf8)).matchesPlayed, 0)
    }

    func testRunningEstimatesStartAtThePriorAndTrackBehaviour() throws {
        let p = try makePlayer("a", toxicity: 0.1, quitRate: 0.08)
        let once = p.recordingMatch(quit: true, reported: false)
        // Prior of 5 pseudo-matches: the first observation has weight 1/6.
        XCTAssertEqual(once.quitRate, 0.08 + (1 - 0.08) / 6, accuracy: 1e-12)
        XCTAssertEqual(once.toxicity, 0.1 - 0.1 / 6, accuracy: 1e-12)
        XCTAssertEqual(once.matchesPlayed, 1)
        var q = p
        for _ in 0..<400 { q = q.recordingMatch(quit: true, reported: true) }
        XCTAssertGreaterThan(q.quitRate, 0.99)
        XCTAssertLessThanOrEqual(q.quitRate, 1)
        // EMA window: after a long history, one clean match still moves the estimate by 1/51.
        let after = q.recordingMatch(quit: false, reported: false)
        XCTAssertEqual(q.quitRate - after.quitRate, q.quitRate / 51, accuracy: 1e-12)
        XCTAssertNoThrow(try after.validate())
    }
}
