extension Player {
    /// How many pseudo-matches the registered `toxicity` / `quit_rate` count for: a new
    /// player's first quit moves the estimate by 1/6, not to 1.
    public static let estimatePriorMatches = 5
    /// After this many matches the estimates become an exponential moving average over about
    /// this many recent matches, so players who change their behaviour are tracked.
    public static let estimateWindow = 50

    /// The player after one more recorded match in which they did or did not quit and were or
    /// were not reported for toxic behaviour. Pure, so the store and tests share it.
    ///
    /// Each estimate moves towards the observation (0 or 1) with weight
    /// `1 / (min(matches_played, window − prior) + prior + 1)`: a running mean seeded with
    /// `prior` pseudo-observations at the registered value, turning into an EMA later.
    public func recordingMatch(quit: Bool, reported: Bool) -> Player {
        let effective = min(matchesPlayed, Player.estimateWindow - Player.estimatePriorMatches)
        let weight = 1.0 / Double(effective + Player.estimatePriorMatches + 1)
        var next = self
        next.quitRate = Player.clamp01(quitRate + weight * ((quit ? 1 : 0) - quitRate))
        next.toxicity = Player.clamp01(toxicity + weight * ((reported ? 1 : 0) - toxicity))
        next.matchesPlayed = matchesPlayed + 1
        return next
    }

    /// Guards against rounding pushing an estimate a hair outside 0…1 (validation would refuse it).
    static func clamp01(_ x: Double) -> Double { min(1, max(0, x)) }
}
