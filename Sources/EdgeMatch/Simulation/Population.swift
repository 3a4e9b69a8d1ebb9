import Foundation

/// A simulated player's hidden truth. Outcomes are drawn from these values; the store and the
/// features only ever see the observed `Player` (a noisy rating and running estimates that
/// start at population priors), which is what makes the task learnable but not trivial.
public struct LatentPlayer: Sendable, Equatable {
    public var id: String
    public var skill: Double
    public var region: Region
    public var latencyMs: Double
    public var playStyle: PlayStyle
    public var toxicity: Double
    public var quitPropensity: Double
    public var partySize: Int
}

/// Draws a population and the profile each player registers with.
public enum Population {
    /// Shares of players per region (`Region.allCases` order: eu, na, sa, asia, oce).
    static let regionWeights = [0.3, 0.3, 0.1, 0.2, 0.1]
    /// Shares of party sizes 1…5: mostly solo queue.
    static let partyWeights = [0.5, 0.2, 0.12, 0.08, 0.1]
    /// Everyone registers with these estimates; the store learns each player's own.
    public static let priorToxicity = 0.1
    public static let priorQuitRate = 0.08
    /// The registered rating is the true skill plus this much Gaussian noise.
    public static let ratingNoise = 120.0

    /// `count` latent players with ids `p00000…`.
    public static func draw(count: Int, rng: inout SeededRandom) -> [LatentPlayer] {
        let width = max(5, String(count - 1).count)
        return (0..<count).map { i in
            let id = "p" + String(repeating: "0", count: width - String(i).count) + String(i)
            return LatentPlayer(
                id: id,
                skill: clamp(rng.normal(mean: 1500, sd: 300), 100, 4900),
                region: Region.allCases[rng.weighted(regionWeights)],
                latencyMs: clamp(10 + exp(rng.normal(mean: log(30), sd: 0.5)), 10, 400),
                playStyle: PlayStyle.allCases[rng.index(PlayStyle.allCases.count)],
                // Heavy-tailed: most players are fine, a few are very toxic / quit a lot.
                toxicity: clamp(exp(rng.normal(mean: log(0.06), sd: 1.0)), 0, 0.95),
                quitPropensity: clamp(exp(rng.normal(mean: log(0.03), sd: 0.9)), 0, 0.8),
                partySize: rng.weighted(partyWeights) + 1)
        }
    }

    /// The profile a latent player registers with: noisy rating, exact region / latency /
    /// style / party, population-prior estimates.
    public static func observed(_ p: LatentPlayer, rng: inout SeededRandom) throws -> Player {
        try Player(id: p.id, skill: clamp(p.skill + rng.normal(sd: ratingNoise), 0, 5000), region: p.region,
                   latencyMs: p.latencyMs, playStyle: p.playStyle, toxicity: priorToxicity,
                   quitRate: priorQuitRate, partySize: p.partySize)
    }

    static func clamp(_ x: Double, _ lo: Double, _ hi: Double) -> Double { min(hi, max(lo, x)) }
}
