import EdgeRuntime
import EdgeStore
import Foundation
import XCTest

/// A crash at any moment loses no acknowledged write: a child process writes from several
/// tasks and prints each id only after the write returned; it is SIGKILLed mid-stream; the
/// reopened database holds every printed row and passes `PRAGMA integrity_check`.
final class CrashSafetyTests: StoreTestCase {
    var writer: URL {
        get throws {
            for dir in [Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL] {
                let url = dir.appendingPathComponent("EdgeStoreCrashWriter")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
            throw XCTSkip("EdgeStoreCrashWriter not built next to \(Bundle.main.bundleURL.path)")
        }
    }

    func testAcknowledgedWritesSurviveSIGKILL() async throws {
        for round in 0..<2 {
            let acked = try killWriterAfter(acknowledgements: 150 + round * 100)
            XCTAssertGreaterThanOrEqual(acked.events.count + acked.players.count, 150)
            let store = try StateStore(directory: stateDir)
            let check = try await store.integrityCheck()
            XCTAssertEqual(check, ["ok"])
            let events = Set(try await store.events(limit: 10_000).map(\.id))
            XCTAssertTrue(acked.events.isSubset(of: events), "lost events: \(acked.events.subtracting(events).sorted().prefix(10))")
            let players = try await store.players(ids: Array(acked.players))
            XCTAssertEqual(Set(players.keys), acked.players)
            try store.close()
        }
    }

    /// Runs the writer until it has printed `n` acknowledgements, SIGKILLs it and returns every
    /// acknowledgement it printed (including those still in the pipe).
    private func killWriterAfter(acknowledgements n: Int) throws -> (events: Set<Int64>, players: Set<String>) {
        let p = Process()
        p.executableURL = try writer
        p.arguments = [stateDir]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while text.split(separator: "\n").count < n + 1 && Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationReason, .uncaughtSignal, "the writer must die by SIGKILL, not exit")
        var events = Set<Int64>(), players = Set<String>()
        // Only complete lines count: a partial last line was never acknowledged in full.
        let lines = text.hasSuffix("\n") ? text.split(separator: "\n") : text.split(separator: "\n").dropLast()
        for line in lines {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == "event", let id = Int64(parts[1]) { events.insert(id) }
            if parts.count == 2, parts[0] == "player" { players.insert(String(parts[1])) }
        }
        XCTAssertTrue(lines.first == "ready", "writer did not start: \(text.prefix(200))")
        return (events, players)
    }
}
