import EdgeRuntime
import Foundation

/// The one function that turns (player, candidate) into the match model's input rows:
/// `features` float [F] (numeric pair features, normalised to roughly −5…5) and `categorical`
/// int64 [K] (ids for embedding tables). The simulator, training and the daemon all call it, so
/// training/serving skew cannot creep in. Columns are documented in docs/DATA.md ("match").
///
/// Changing a column changes the model's input contract: bump `version` and retrain.
public enum MatchFeatures {
    /// Schema version of the rows (stored with datasets and models).
    public static let version = 1

    /// Names of the `features` columns, in order.
    public static let numericNames = [
        "skill_gap", "abs_skill_gap", "player_skill", "candidate_skill",
        "player_latency", "candidate_latency", "match_latency",
        "player_toxicity", "candidate_toxicity", "max_toxicity",
        "player_quit_rate", "candidate_quit_rate", "party_gap",
        "player_experience", "candidate_experience",
    ]
    /// Names of the `categorical` columns, in order.
    public static let categoricalNames = [
        "player_region", "candidate_region", "region_pair",
        "player_style", "candidate_style", "style_pair",
        "player_party", "candidate_party",
    ]
    /// Embedding table size per categorical column. Id 0 of every column means unknown /
    /// out of range, so a value the vocabulary does not hold still maps to a valid row.
    public static let vocabularySizes: [Int] = [
        Region.allCases.count + 1, Region.allCases.count + 1, Region.allCases.count * Region.allCases.count + 1,
        PlayStyle.allCases.count + 1, PlayStyle.allCases.count + 1, PlayStyle.allCases.count * PlayStyle.allCases.count + 1,
        Player.partySizeRange.upperBound + 1, Player.partySizeRange.upperBound + 1,
    ]
    public static var numericCount: Int { numericNames.count }
    public static var categoricalCount: Int { categoricalNames.count }

    /// Normalisation constants (population scale of the rating, latency unit).
    public static let skillMean = 1500.0, skillScale = 300.0, latencyScale = 100.0
    /// |z| clip: an absurd but valid rating (0 or 5000) must not dominate a batch.
    public static let clip = 5.0
    /// Experience saturates here (log scale).
    public static let experienceCap = 1000.0

    /// Appends one row for (player, candidate) to the two flat buffers.
    public static func append(player p: Player, candidate c: Player, features f: inout [Float], categorical k: inout [Int64]) {
        let gap = (c.skill - p.skill) / skillScale
        let matchLatency = max(p.latencyMs, c.latencyMs) + RegionLatency.roundTripMs(p.region, c.region)
        let numeric: [Double] = [
            clipped(gap), min(abs(gap), clip), clipped((p.skill - skillMean) / skillScale), clipped((c.skill - skillMean) / skillScale),
            min(p.latencyMs / latencyScale, clip), min(c.latencyMs / latencyScale, clip), min(matchLatency / latencyScale, clip),
            p.toxicity, c.toxicity, max(p.toxicity, c.toxicity),
            p.quitRate, c.quitRate, Double(c.partySize - p.partySize) / 4,
            experience(p.matchesPlayed), experience(c.matchesPlayed),
        ]
        for v in numeric { f.append(Float(v)) }
        let pr = regionID(p.region), cr = regionID(c.region)
        let ps = styleID(p.playStyle), cs = styleID(c.playStyle)
        k.append(contentsOf: [
            pr, cr, pairID(pr, cr, size: Region.allCases.count),
            ps, cs, pairID(ps, cs, size: PlayStyle.allCases.count),
            partyID(p.partySize), partyID(c.partySize),
        ])
    }

    /// One row as arrays (convenient for tests and single queries).
    public static func row(player: Player, candidate: Player) -> (features: [Float], categorical: [Int64]) {
        var f: [Float] = [], k: [Int64] = []
        f.reserveCapacity(numericCount)
        k.reserveCapacity(categoricalCount)
        append(player: player, candidate: candidate, features: &f, categorical: &k)
        return (f, k)
    }

    /// The model inputs for ranking `candidates` for `player`: `features` [N, F] float32 and
    /// `categorical` [N, K] int64, one row per candidate in order.
    public static func tensors(player: Player, candidates: [Player]) throws(EdgeError) -> (features: Tensor, categorical: Tensor) {
        var f: [Float] = [], k: [Int64] = []
        f.reserveCapacity(candidates.count * numericCount)
        k.reserveCapacity(candidates.count * categoricalCount)
        for c in candidates { append(player: player, candidate: c, features: &f, categorical: &k) }
        return (try Tensor(f, shape: [candidates.count, numericCount]), try Tensor(k, shape: [candidates.count, categoricalCount]))
    }

    // MARK: - Vocabularies (0 = unknown)

    /// 1…5 in `Region.allCases` order; 0 for a spelling this version does not know.
    public static func regionID(_ name: String) -> Int64 { Region(rawValue: name).map(regionID) ?? 0 }
    public static func regionID(_ r: Region) -> Int64 { Int64(Region.allCases.firstIndex(of: r)! + 1) }
    /// 1…4 in `PlayStyle.allCases` order; 0 for an unknown spelling.
    public static func styleID(_ name: String) -> Int64 { PlayStyle(rawValue: name).map(styleID) ?? 0 }
    public static func styleID(_ s: PlayStyle) -> Int64 { Int64(PlayStyle.allCases.firstIndex(of: s)! + 1) }
    /// The party size itself (1…5); 0 outside that range.
    public static func partyID(_ size: Int) -> Int64 { Player.partySizeRange.contains(size) ? Int64(size) : 0 }
    /// Ordered pair of two ids in 1…size → 1…size²; 0 if either is unknown.
    public static func pairID(_ a: Int64, _ b: Int64, size: Int) -> Int64 {
        let n = Int64(size)
        guard (1...n).contains(a), (1...n).contains(b) else { return 0 }
        return (a - 1) * n + b
    }

    private static func clipped(_ z: Double) -> Double { min(clip, max(-clip, z)) }
    private static func experience(_ matches: Int) -> Double { min(1, log1p(Double(max(0, matches))) / log1p(experienceCap)) }
}
