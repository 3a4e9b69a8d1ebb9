import EdgeMatch
import EdgeStore
import Foundation

// Child process of EdgeStoreTests.testAcknowledgedWritesSurviveSIGKILL: writes to the state
// database in DIR from several concurrent tasks forever and prints one line per write *after*
// it is acknowledged ("event <id>" or "player <id>"). The test SIGKILLs it mid-write, reopens
// the database and checks that every printed row is there. Not part of the product.

/// One unbuffered write(2) per line: a line in the pipe means the write was acknowledged first.
func emit(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    bytes.withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) }
}

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: EdgeStoreCrashWriter STATE_DIR\n".utf8))
    exit(2)
}
let store: StateStore
do { store = try StateStore(directory: CommandLine.arguments[1]) } catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
emit("ready")
await withTaskGroup(of: Void.self) { group in
    for worker in 0..<4 {
        group.addTask {
            var n = 0
            while true {
                n += 1
                do {
                    if worker % 2 == 0 {
                        let id = try await store.appendEvent(.request, json: "{\"worker\":\(worker),\"n\":\(n),\"pad\":\"\(String(repeating: "x", count: 200))\"}")
                        emit("event \(id)")
                    } else {
                        let id = "w\(worker)-\(n)"
                        _ = try await store.upsertPlayer(Player(id: id, skill: 1500, region: .eu, latencyMs: 30, playStyle: .casual,
                                                                toxicity: 0.1, quitRate: 0.05, partySize: 1))
                        emit("player \(id)")
                    }
                } catch {
                    FileHandle.standardError.write(Data("\(error)\n".utf8))
                    exit(1)
                }
            }
        }
    }
}
