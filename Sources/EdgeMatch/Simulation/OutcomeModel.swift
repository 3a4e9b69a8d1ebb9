import Foundation

/// How a simulated 1-vs-1 match (each side a player with their party) plays out, drawn from
/// the latent variables with noise:
/// - **margin** = tanh((performance gap) / 600) + noise, where performance = skill
///   + 40 per extra party member + N(0, 120): skill gaps and party gaps make one-sided games;
/// - **quits**: each side quits with probability sigmoid(logit(quit propensity)
///   + 1.2·max(0, (match latency − 120 ms) / 100) + 2.5·opponent toxicity + style clash
///   + 1.5·max(0, −own margin − 0.5)): lag, toxic opponents, clashing styles and being crushed
///   make people leave;
/// - **reports**: a side is reported with probability 0.7 × its toxicity.
public enum OutcomeModel {
    public struct Outcome: Sendable, Equatable {
        /// From the first player's point of view, −1…1.
        public var margin: Double
        public var quit: (Bool, Bool)
        public var reported: (Bool, Bool)

        public static func == (a: Outcome, b: Outcome) -> Bool {
            a.margin == b.margin && a.quit == b.quit && a.reported == b.reported
        }
    }

    /// Extra quit log-odds when two styles meet (symmetric): aggressive players and casual
    /// players spoil each other's fun; strategic players dislike casual ones.
    static func clash(_ a: PlayStyle, _ b: PlayStyle) -> Double {
        switch (a, b) {
        case (.aggressive, .casual), (.casual, .aggressive): 1.0
        case (.strategic, .casual), (.casual, .strategic): 0.6
        case (.aggressive, .aggressive): 0.4
        case (.aggressive, .support), (.support, .aggressive): 0.3
        default: 0
        }
    }

    public static func play(_ a: LatentPlayer, _ b: LatentPlayer, rng: inout SeededRandom) -> Outcome {
        let perfA = a.skill + 40 * Double(a.partySize - 1) + rng.normal(sd: 120)
        let perfB = b.skill + 40 * Double(b.partySize - 1) + rng.normal(sd: 120)
        let margin = min(1, max(-1, tanh((perfA - perfB) / 600) + rng.normal(sd: 0.08)))
        let latency = max(a.latencyMs, b.latencyMs) + RegionLatency.roundTripMs(a.region, b.region)
        let lag = 1.2 * max(0, (latency - 120) / 100)
        let styles = clash(a.playStyle, b.playStyle)
        func quits(_ me: LatentPlayer, _ other: LatentPlayer, ownMargin: Double) -> Bool {
            let p = min(max(me.quitPropensity, 1e-4), 1 - 1e-4)
            let logit = log(p / (1 - p)) + lag + 2.5 * other.toxicity + styles + 1.5 * max(0, -ownMargin - 0.5)
            return rng.bernoulli(1 / (1 + exp(-logit)))
        }
        let quit = (quits(a, b, ownMargin: margin), quits(b, a, ownMargin: -margin))
        let reported = (rng.bernoulli(0.7 * a.toxicity), rng.bernoulli(0.7 * b.toxicity))
        return Outcome(margin: margin, quit: quit, reported: reported)
    }
}
