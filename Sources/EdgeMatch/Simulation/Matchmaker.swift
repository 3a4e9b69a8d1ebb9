/// Proposes candidate opponents for a query player the way a simple production matchmaker
/// plus exploration would: about 60% are "sensible" picks (same region, registered rating
/// within ±`ratingWindow`), the rest are random players from anywhere. So every query sees
/// good and bad candidates, and the sensible rule alone is not the answer (ratings are noisy,
/// toxicity, quitting and style are invisible to it).
public struct Matchmaker: Sendable {
    public var candidatesPerQuery: Int
    public var sensibleShare = 0.6
    public var ratingWindow = 200.0
    /// Random draws tried before a sensible pick falls back to a random player.
    public var attempts = 30

    public init(candidatesPerQuery: Int) { self.candidatesPerQuery = candidatesPerQuery }

    /// Indices into `observed` (never `query`, no repeats). `observed` holds the store's view.
    public func candidates(for query: Int, observed: [Player], rng: inout SeededRandom) -> [Int] {
        let want = min(candidatesPerQuery, observed.count - 1)
        var chosen: [Int] = []
        var taken: Set<Int> = [query]
        let me = observed[query]
        while chosen.count < want {
            var pick: Int?
            if rng.bernoulli(sensibleShare) {
                for _ in 0..<attempts {
                    let i = rng.index(observed.count)
                    let c = observed[i]
                    if !taken.contains(i), c.region == me.region, abs(c.skill - me.skill) <= ratingWindow { pick = i; break }
                }
            }
            if pick == nil {
                var i = rng.index(observed.count)
                while taken.contains(i) { i = rng.index(observed.count) }
                pick = i
            }
            chosen.append(pick!)
            taken.insert(pick!)
        }
        return chosen
    }
}
