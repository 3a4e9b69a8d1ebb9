import EdgeRuntime
import Foundation

/// The outcome of one played match, as reported to `POST /v1/match/results` and recorded by the
/// simulator.
///
/// **Margin.** `margin` is the final score difference normalised to −1…1 from the first team's
/// point of view: +1 = the first team won without conceding, 0 = dead even, −1 = the first team
/// lost without scoring. Games report different raw scores; the reporter normalises
/// (e.g. rounds won − rounds lost over rounds played).
///
/// **Good match (the training label).** A match is *good* when it was **close** —
/// `|margin| ≤ MatchResult.closeMargin` (0.25: the loser took at least 3/8 of the points) —
/// **and nobody quit**. One-sided games and games someone abandoned are both bad experiences.
public struct MatchResult: Codable, Sendable, Equatable {
    /// 1–64 characters, same alphabet as player ids.
    public var matchID: String
    /// When the match ended (seconds since 1970, UTC).
    public var timestamp: Double
    /// Two or more teams, each a non-empty list of player ids; a player appears once.
    public var teams: [[String]]
    /// −1…1, see the type documentation.
    public var margin: Double
    /// Players who left before the end. Must be participants.
    public var quitters: [String]
    /// Players reported for toxic behaviour by others (feeds the toxicity estimate).
    public var reported: [String]

    /// Largest |margin| still counted as a close game.
    public static let closeMargin = 0.25
    public static let maxTeams = 16
    public static let maxPlayersPerTeam = 16

    public init(matchID: String, timestamp: Double, teams: [[String]], margin: Double,
                quitters: [String] = [], reported: [String] = []) throws(EdgeError) {
        self.matchID = matchID
        self.timestamp = timestamp
        self.teams = teams
        self.margin = margin
        self.quitters = quitters
        self.reported = reported
        try validate()
    }

    /// All participants in team order.
    public var players: [String] { teams.flatMap { $0 } }

    /// `|margin| ≤ closeMargin`.
    public var isClose: Bool { abs(margin) <= MatchResult.closeMargin }

    /// The label: close and nobody quit.
    public var isGood: Bool { isClose && quitters.isEmpty }

    /// Equal up to the order of `quitters` and `reported` (the store rebuilds those in slot order).
    public func sameOutcome(as other: MatchResult) -> Bool {
        matchID == other.matchID && timestamp == other.timestamp && teams == other.teams && margin == other.margin
            && Set(quitters) == Set(other.quitters) && Set(reported) == Set(other.reported)
    }

    /// Throws `invalid_input` for a malformed result (bad ids, empty or duplicate teams,
    /// margin out of range, quitters or reports that did not play).
    public func validate() throws(EdgeError) {
        try SafeName.validate(matchID, what: "match id")
        guard timestamp.isFinite, timestamp >= 0 else {
            throw EdgeError(.invalidInput, "match \(matchID): timestamp \(timestamp) is not a time after 1970")
        }
        guard (2...MatchResult.maxTeams).contains(teams.count) else {
            throw EdgeError(.invalidInput, "match \(matchID): needs 2…\(MatchResult.maxTeams) teams, got \(teams.count)")
        }
        for team in teams {
            guard (1...MatchResult.maxPlayersPerTeam).contains(team.count) else {
                throw EdgeError(.invalidInput, "match \(matchID): every team needs 1…\(MatchResult.maxPlayersPerTeam) players")
            }
            for id in team { try Player.validateID(id) }
        }
        let all = players
        let set = Set(all)
        guard set.count == all.count else {
            throw EdgeError(.invalidInput, "match \(matchID): a player appears in more than one slot")
        }
        guard (-1...1).contains(margin) else {
            throw EdgeError(.invalidInput, "match \(matchID): margin \(margin) is outside −1…1")
        }
        for (name, list) in [("quitters", quitters), ("reported", reported)] {
            guard Set(list).count == list.count else {
                throw EdgeError(.invalidInput, "match \(matchID): \(name) lists a player twice")
            }
            if let stranger = list.first(where: { !set.contains($0) }) {
                throw EdgeError(.invalidInput, "match \(matchID): \(name) names '\(stranger.prefix(64))', who did not play")
            }
        }
    }

    public enum CodingKeys: String, CodingKey {
        case matchID = "match_id", timestamp, teams, margin, quitters, reported
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            matchID: c.decode(String.self, forKey: .matchID), timestamp: c.decode(Double.self, forKey: .timestamp),
            teams: c.decode([[String]].self, forKey: .teams), margin: c.decode(Double.self, forKey: .margin),
            quitters: c.decodeIfPresent([String].self, forKey: .quitters) ?? [],
            reported: c.decodeIfPresent([String].self, forKey: .reported) ?? [])
    }
}
