import EdgeRuntime
import EdgeStore
import Foundation
import XCTest

/// A settable clock shared with the store.
final class FakeClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Date(timeIntervalSince1970: 1_700_000_000)
    var now: Date { lock.lock(); defer { lock.unlock() }; return value }
    func advance(_ seconds: TimeInterval) { lock.lock(); value += seconds; lock.unlock() }
}

final class EventLogTests: StoreTestCase {
    func testAppendListAndFilter() async throws {
        let store = try StateStore(directory: stateDir)
        let a = try await store.appendEvent(.request, payload: ["route": "/v1/health", "status": "200"])
        let b = try await store.appendEvent(.levelSwitch, json: #"{"model":"speech-commands","to":"int8"}"#)
        let all = try await store.events()
        XCTAssertEqual(all.map(\.id), [b, a], "newest first")
        XCTAssertEqual(all.last?.payload, #"{"route":"/v1/health","status":"200"}"#)
        let switches = try await store.events(kind: .levelSwitch)
        XCTAssertEqual(switches.map(\.kind), [.levelSwitch])
        let limited = try await store.events(limit: 1)
        XCTAssertEqual(limited.count, 1)
    }

    func testBadEventsAreRefused() async throws {
        let store = try StateStore(directory: stateDir)
        await assertThrowsEdgeError(.invalidInput, "JSON object") { try await store.appendEvent(.error, json: "[1,2]") }
        await assertThrowsEdgeError(.invalidInput, "JSON object") { try await store.appendEvent(.error, json: "{not json") }
        await assertThrowsEdgeError(.tooLarge, "limit") {
            try await store.appendEvent(.error, json: "{\"x\":\"\(String(repeating: "a", count: 20_000))\"}")
        }
        await assertThrowsEdgeError(.invalidInput, "event kind") { try await store.appendEvent(EventKind(rawValue: "Bad Kind"), json: "{}") }
        await assertThrowsEdgeError(.invalidInput, "limit") { try await store.events(limit: 0) }
        let count = try await store.eventCount()
        XCTAssertEqual(count, 0)
    }

    func testRetentionByRowsKeepsTheNewestAndNeverReusesIDs() async throws {
        var options = StateStore.Options()
        options.eventMaxRows = 10
        options.pruneEvery = 4
        let store = try StateStore(directory: stateDir, options: options)
        var ids: [Int64] = []
        for i in 0..<25 { ids.append(try await store.appendEvent(.request, json: "{\"i\":\(i)}")) }
        let count = try await store.eventCount()
        XCTAssertLessThanOrEqual(count, 10 + options.pruneEvery, "pruned periodically while appending")
        try await store.pruneEvents()
        let kept = try await store.events(limit: 100)
        XCTAssertEqual(kept.map(\.id), Array(ids.suffix(10).reversed()))
        let next = try await store.appendEvent(.request, json: "{}")
        XCTAssertGreaterThan(next, ids.last!)
    }

    func testRetentionByAge() async throws {
        let clock = FakeClock()
        var options = StateStore.Options()
        options.eventMaxAge = 3600
        options.now = { clock.now }
        let store = try StateStore(directory: stateDir, options: options)
        try await store.appendEvent(.request, json: "{\"old\":true}")
        clock.advance(1800)
        let recent = try await store.appendEvent(.request, json: "{\"old\":false}")
        clock.advance(2000)
        let deleted = try await store.pruneEvents()
        XCTAssertEqual(deleted, 1)
        let left = try await store.events()
        XCTAssertEqual(left.map(\.id), [recent])
        let since = try await store.events(since: clock.now)
        XCTAssertTrue(since.isEmpty)
    }

    func testDetachedAppendCompletesAndConcurrentAppendsAreSerialised() async throws {
        let store = try StateStore(directory: stateDir)
        let id: Int64 = try await withCheckedThrowingContinuation { cont in
            store.appendEventDetached(.voiceCommand, json: #"{"label":"stop"}"#) { cont.resume(with: $0.mapError { $0 as any Error }) }
        }
        let failure: EdgeError? = await withCheckedContinuation { cont in
            store.appendEventDetached(.voiceCommand, json: "nope") { result in
                if case .failure(let e) = result { cont.resume(returning: e) } else { cont.resume(returning: nil) }
            }
        }
        XCTAssertEqual(failure?.code, .invalidInput)
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<40 { group.addTask { try await store.appendEvent(.request, json: "{\"i\":\(i)}") } }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        XCTAssertEqual(Set(ids).count, 40)
        XCTAssertFalse(ids.contains(id))
        let count = try await store.eventCount()
        XCTAssertEqual(count, 41)
    }
}
