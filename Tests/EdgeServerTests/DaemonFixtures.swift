import EdgeMatch
import EdgeRuntime
import EdgeTestSupport
import Foundation

/// The contract-shaped families (EdgeTestSupport.ContractModels) with the ranker weights the
/// match tests check against.
enum DaemonFixtures {
    /// The ranker's weight per numeric feature: score = features · w (categorical · 0).
    static let rankWeights: [Float] = (0..<MatchFeatures.numericCount).map { Float($0 + 1) * 0.1 }

    static func writeAll(in models: String) throws {
        try ContractModels.writeAll(in: models, rankWeights: rankWeights, categorical: MatchFeatures.categoricalCount)
    }

    /// The score the fixture ranker gives `candidate` for `player`.
    static func expectedScore(_ player: Player, _ candidate: Player) -> Double {
        let row = MatchFeatures.row(player: player, candidate: candidate).features
        return zip(row, rankWeights).reduce(0) { $0 + Double($1.0 * $1.1) }
    }
}
