import EdgeMatch
import EdgeRuntime
import EdgeStore
import XCTest

final class StatePlayersTests: StoreTestCase {
    func testPlayersLiveInTheStateDatabase() async throws {
        let store = try StateStore(directory: stateDir)
        for id in ["a", "b"] {
            _ = try await store.upsertPlayer(Player(id: id, skill: 1500, region: .eu, latencyMs: 20, playStyle: .casual,
                                                    toxicity: 0.1, quitRate: 0.1, partySize: 1))
        }
        let result = try MatchResult(matchID: "m1", timestamp: 1, teams: [["a"], ["b"]], margin: 0.1)
        let first = try await store.recordResult(result)
        let second = try await store.recordResult(result)
        XCTAssertEqual([first, second], [.recorded, .duplicate])
        let players = try await store.players(ids: ["a", "b"])
        XCTAssertEqual(players["a"]?.matchesPlayed, 1)
        await assertThrowsEdgeError(.unknownPlayer, "ghost") {
            try await store.recordResult(try MatchResult(matchID: "m2", timestamp: 2, teams: [["a"], ["ghost"]], margin: 0))
        }
    }
}
