import EdgeMatch
import EdgeRuntime
import GRDB
import XCTest

/// A valid player with overridable fields.
func makePlayer(_ id: String, skill: Double = 1500, region: Region = .eu, latency: Double = 30, style: PlayStyle = .support,
                toxicity: Double = 0.1, quitRate: Double = 0.08, party: Int = 1, matches: Int = 0) throws -> Player {
    try Player(id: id, skill: skill, region: region, latencyMs: latency, playStyle: style, toxicity: toxicity,
               quitRate: quitRate, partySize: party, matchesPlayed: matches)
}

/// An in-memory database with the player tables.
func makePlayerDatabase() throws -> DatabaseQueue {
    let db = try DatabaseQueue()
    try PlayerStore.migrator.migrate(db)
    return db
}

/// Asserts that `body` throws an `EdgeError` with `code` whose message contains `fragment`.
func assertEdgeError(_ code: EdgeError.Code, _ fragment: String, file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected \(code) error containing '\(fragment)'", file: file, line: line)
    } catch let e as EdgeError {
        XCTAssertEqual(e.code, code, e.message, file: file, line: line)
        XCTAssertTrue(e.message.contains(fragment), "'\(e.message)' lacks '\(fragment)'", file: file, line: line)
    } catch {
        XCTFail("expected EdgeError, got \(error)", file: file, line: line)
    }
}
