import ArgumentParser
import EdgeMatch
import EdgeRuntime
import Foundation

/// `edge-assistant data match`: the simulated player population, its match history in SQLite
/// and the time-split match-quality arrays (docs/DATA.md, section "match").
struct DataMatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Simulate players and matches; write match.sqlite, train/ and test/ arrays and summary.json.",
        discussion: """
        Rows are (query player, candidate) pairs; the label is 1 when the match was close and nobody \
        quit. The last 20% of matches by time form the test split. Same seed and sizes give identical files.
        """
    )

    @Option(name: .long, help: "Output directory (created if missing; earlier outputs are replaced).")
    var out: String

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64

    @Option(name: .long, help: "Number of players.")
    var players: Int = 2000

    @Option(name: .long, help: "Number of matches (data rows).")
    var matches: Int = 40_000

    func run() throws {
        var config = MatchSimulator.Config(seed: seed)
        config.players = players
        config.matches = matches
        let s = try MatchSimulator(config: config).generate(into: out)
        print("""
            wrote \(out): \(s.players) players, \(s.matches) matches in \(s.queries) queries
            train \(s.trainRows) rows (good \(percent(s.trainGoodRate))), test \(s.testRows) rows (good \(percent(s.testGoodRate)))
            close \(percent(s.closeRate)), someone quit \(percent(s.quitRate))
            baseline -|skill gap| on test: AUC \(fixed(s.baselineSkillGapAUC)), NDCG@10 \(fixed(s.baselineSkillGapNDCG10))
            """)
    }

    private func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
    private func fixed(_ x: Double) -> String { String(format: "%.3f", x) }
}
