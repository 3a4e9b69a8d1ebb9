import EdgeRuntime
import Foundation

/// Where a player plays from. The raw value is the wire/database spelling.
public enum Region: String, Codable, Sendable, CaseIterable {
    case eu, na, sa, asia, oce
}

/// How a player tends to play; clashes between styles make players quit.
public enum PlayStyle: String, Codable, Sendable, CaseIterable {
    case aggressive, support, strategic, casual
}

/// One player as the matchmaker sees them (the contract shared by the simulator, training and
/// the daemon). Ratings and estimates are observations, not the simulator's latent truth.
///
/// Every initializer validates; a `Player` value is always in range. Decoding (JSON or a
/// database row) goes through the same validation, so untrusted input cannot smuggle in a
/// NaN skill or a party of 9.
public struct Player: Codable, Sendable, Equatable, Hashable {
    /// 1–64 characters from `[A-Za-z0-9_.-]`.
    public var id: String
    /// Skill rating (Elo-like scale, population ~N(1500, 300)); accepted range 0…5000.
    public var skill: Double
    public var region: Region
    /// Round-trip time to the player's home-region servers, 0…2000 ms.
    public var latencyMs: Double
    public var playStyle: PlayStyle
    /// Estimated probability that the player behaves toxically in a match, 0…1.
    public var toxicity: Double
    /// Estimated probability that the player quits a match early, 0…1.
    public var quitRate: Double
    /// Size of the party the player queues with, 1…5.
    public var partySize: Int
    /// Matches recorded for this player, ≥ 0.
    public var matchesPlayed: Int

    /// Accepted ranges (inclusive). Exposed so clients and docs quote the same numbers.
    public static let skillRange: ClosedRange<Double> = 0...5000
    public static let latencyRange: ClosedRange<Double> = 0...2000
    public static let partySizeRange: ClosedRange<Int> = 1...5
    public static let maxIDLength = SafeName.maxLength

    public init(id: String, skill: Double, region: Region, latencyMs: Double, playStyle: PlayStyle,
                toxicity: Double, quitRate: Double, partySize: Int, matchesPlayed: Int = 0) throws(EdgeError) {
        self.id = id
        self.skill = skill
        self.region = region
        self.latencyMs = latencyMs
        self.playStyle = playStyle
        self.toxicity = toxicity
        self.quitRate = quitRate
        self.partySize = partySize
        self.matchesPlayed = matchesPlayed
        try validate()
    }

    /// Throws `invalid_input` naming the first field out of range.
    public func validate() throws(EdgeError) {
        try Player.validateID(id)
        try Player.check("skill", skill, in: Player.skillRange)
        try Player.check("latency_ms", latencyMs, in: Player.latencyRange)
        try Player.check("toxicity", toxicity, in: 0...1)
        try Player.check("quit_rate", quitRate, in: 0...1)
        guard Player.partySizeRange.contains(partySize) else {
            throw EdgeError(.invalidInput, "player \(id): party_size \(partySize) is outside 1…5")
        }
        guard matchesPlayed >= 0 else {
            throw EdgeError(.invalidInput, "player \(id): matches_played \(matchesPlayed) is negative")
        }
    }

    /// Player ids are path segments in the daemon's API and keys in SQLite (`SafeName`).
    public static func validateID(_ id: String) throws(EdgeError) {
        try SafeName.validate(id, what: "player id")
    }

    private static func check(_ name: String, _ value: Double, in range: ClosedRange<Double>) throws(EdgeError) {
        // `contains` is false for NaN, so NaN is rejected here too.
        guard range.contains(value) else {
            throw EdgeError(.invalidInput, "\(name) \(value) is outside \(range.lowerBound)…\(range.upperBound)")
        }
    }

    /// Snake-case keys: the JSON API, the database columns and docs/DATA.md use one spelling.
    public enum CodingKeys: String, CodingKey {
        case id, skill, region
        case latencyMs = "latency_ms"
        case playStyle = "play_style"
        case toxicity
        case quitRate = "quit_rate"
        case partySize = "party_size"
        case matchesPlayed = "matches_played"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let regionText = try c.decode(String.self, forKey: .region)
        let styleText = try c.decode(String.self, forKey: .playStyle)
        guard let region = Region(rawValue: regionText) else {
            throw EdgeError(.invalidInput, "region '\(regionText.prefix(40))' is not one of \(Region.allCases.map(\.rawValue).joined(separator: "|"))")
        }
        guard let style = PlayStyle(rawValue: styleText) else {
            throw EdgeError(.invalidInput, "play_style '\(styleText.prefix(40))' is not one of \(PlayStyle.allCases.map(\.rawValue).joined(separator: "|"))")
        }
        try self.init(
            id: c.decode(String.self, forKey: .id), skill: c.decode(Double.self, forKey: .skill), region: region,
            latencyMs: c.decode(Double.self, forKey: .latencyMs), playStyle: style,
            toxicity: c.decode(Double.self, forKey: .toxicity), quitRate: c.decode(Double.self, forKey: .quitRate),
            partySize: c.decode(Int.self, forKey: .partySize),
            matchesPlayed: c.decodeIfPresent(Int.self, forKey: .matchesPlayed) ?? 0)
    }
}
