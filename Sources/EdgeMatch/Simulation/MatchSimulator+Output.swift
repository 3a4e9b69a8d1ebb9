import EdgeRuntime
import Foundation

extension MatchSimulator {
    /// Names inside the output directory.
    public static let databaseFile = "match.sqlite", summaryFile = "summary.json"
    public static let splitNames = (train: "train", test: "test")

    /// Regenerates the whole data set in `directory`: `match.sqlite` (players, matches,
    /// match_players), `train/` and `test/` arrays (`MatchDataset`) and `summary.json`.
    /// Earlier outputs of this generator in the directory are replaced; other files are left.
    @discardableResult
    public func generate(into directory: String) throws -> Summary {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw EdgeError(.io, "cannot create \(directory): \(error.localizedDescription)")
        }
        let db = directory + "/" + Self.databaseFile
        for stale in [db, db + "-wal", db + "-shm", directory + "/" + Self.splitNames.train,
                      directory + "/" + Self.splitNames.test, directory + "/" + Self.summaryFile] where fm.fileExists(atPath: stale) {
            do { try fm.removeItem(atPath: stale) } catch {
                throw EdgeError(.io, "cannot replace \(stale): \(error.localizedDescription)")
            }
        }
        let store = try PlayerStore.open(path: db)
        let (rows, testStart, summary) = try run(into: store)
        try rows.slice(0..<testStart).write(to: directory + "/" + Self.splitNames.train, name: Self.splitNames.train)
        try rows.slice(testStart..<rows.count).write(to: directory + "/" + Self.splitNames.test, name: Self.splitNames.test)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try encoder.encode(summary).write(to: URL(fileURLWithPath: directory + "/" + Self.summaryFile)) } catch {
            throw EdgeError(.io, "cannot write \(Self.summaryFile): \(error.localizedDescription)")
        }
        return summary
    }
}
