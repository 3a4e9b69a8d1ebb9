import EdgeRuntime
import Foundation
import GRDB

/// Generates the match-quality data set: a latent population, matchmaking queries, outcomes,
/// the history in SQLite (through `PlayerStore`) and time-split training arrays. Everything is
/// a function of `seed` and the sizes.
///
/// Each query: a random player asks for a match; the `Matchmaker` proposes candidates; feature
/// rows are computed from the store's state *before* the query (exactly what the daemon would
/// see at ranking time); then the player plays each candidate in turn and every result is
/// recorded, updating the store's estimates for later queries.
public struct MatchSimulator: Sendable {
    public struct Config: Sendable {
        public var seed: UInt64
        public var players = 2000
        /// Matches to play (rows of data); rounded up to whole queries.
        public var matches = 40_000
        public var candidatesPerQuery = 12
        /// Share of matches, by time, held out as the test split.
        public var holdoutFraction = 0.2
        /// Timestamp of the first match (2024-01-01T00:00Z); about one match every 30 s after.
        public var startTime = 1_704_067_200.0
        /// Queries per write transaction (bounded transactions, few fsyncs).
        public var queriesPerTransaction = 200

        public init(seed: UInt64) { self.seed = seed }

        func validate() throws(EdgeError) {
            guard (20...1_000_000).contains(players) else { throw EdgeError(.invalidInput, "--players must be 20…1000000, got \(players)") }
            guard (2...100).contains(candidatesPerQuery) else { throw EdgeError(.invalidInput, "candidates per query must be 2…100") }
            guard (candidatesPerQuery * 10...50_000_000).contains(matches) else {
                throw EdgeError(.invalidInput, "--matches must be \(candidatesPerQuery * 10)…50000000 (at least 10 queries), got \(matches)")
            }
        }
    }

    /// What a run produced, with the figures that show the task is learnable but not trivial.
    public struct Summary: Codable, Sendable {
        public var seed: UInt64, players: Int, matches: Int, queries: Int
        public var featureVersion: Int
        public var trainRows: Int, testRows: Int
        /// Share of good matches per split.
        public var trainGoodRate: Double, testGoodRate: Double
        /// Share of close matches and of matches with a quit (whole history).
        public var closeRate: Double, quitRate: Double
        /// AUC on the test split of the naive score −|registered skill gap|.
        public var baselineSkillGapAUC: Double
        public var baselineSkillGapNDCG10: Double

        enum CodingKeys: String, CodingKey {
            case seed, players, matches, queries
            case featureVersion = "feature_version", trainRows = "train_rows", testRows = "test_rows"
            case trainGoodRate = "train_good_rate", testGoodRate = "test_good_rate"
            case closeRate = "close_rate", quitRate = "quit_rate"
            case baselineSkillGapAUC = "baseline_skill_gap_auc", baselineSkillGapNDCG10 = "baseline_skill_gap_ndcg10"
        }
    }

    public var config: Config
    public init(config: Config) { self.config = config }

    /// Plays the history into `store` (whose tables must be empty) and returns the rows in time
    /// order plus the index where the held-out split begins (a query boundary, so no ranking
    /// group straddles the split).
    public func run(into store: PlayerStore) throws -> (rows: MatchDataset, testStart: Int, summary: Summary) {
        try config.validate()
        var rng = SeededRandom(seed: config.seed)
        let latent = Population.draw(count: config.players, rng: &rng)
        let registered = try latent.map { p throws in try Population.observed(p, rng: &rng) }
        try store.writer.write { db in
            guard try Player.fetchCount(db) == 0 else { throw EdgeError(.invalidInput, "the player store is not empty") }
            for p in registered { try PlayerStore.upsert(p, in: db) }
        }
        let matchmaker = Matchmaker(candidatesPerQuery: config.candidatesPerQuery)
        let queries = (config.matches + config.candidatesPerQuery - 1) / config.candidatesPerQuery
        var rows = MatchDataset()
        var queryStarts: [Int] = []
        var time = config.startTime, matchNumber = 0, closeCount = 0, quitCount = 0
        var q = 0
        while q < queries {
            let batchEnd = min(queries, q + config.queriesPerTransaction)
            try store.writer.write { db in
                for query in q..<batchEnd {
                    queryStarts.append(rows.count)
                    let me = rng.index(latent.count)
                    let picks = matchmaker.candidates(for: me, observed: registered, rng: &rng)
                    let seen = try PlayerStore.players(ids: [latent[me].id] + picks.map { latent[$0].id }, in: db)
                    for c in picks {
                        let outcome = OutcomeModel.play(latent[me], latent[c], rng: &rng)
                        time += 5 + rng.uniform() * 50
                        let a = latent[me].id, b = latent[c].id
                        let result = try MatchResult(
                            matchID: "m\(matchNumber)", timestamp: (time * 1000).rounded() / 1000, teams: [[a], [b]],
                            margin: outcome.margin,
                            quitters: (outcome.quit.0 ? [a] : []) + (outcome.quit.1 ? [b] : []),
                            reported: (outcome.reported.0 ? [a] : []) + (outcome.reported.1 ? [b] : []))
                        matchNumber += 1
                        _ = try PlayerStore.record(result, in: db)
                        rows.append(player: seen[a]!, candidate: seen[b]!, good: result.isGood, group: Int64(query))
                        if result.isClose { closeCount += 1 }
                        if !result.quitters.isEmpty { quitCount += 1 }
                    }
                }
            }
            q = batchEnd
        }
        let cut = Double(rows.count) * (1 - config.holdoutFraction)
        let testStart = queryStarts.first { Double($0) >= cut } ?? rows.count
        let summary = summarize(rows, testStart: testStart, queries: queries, close: closeCount, quit: quitCount)
        return (rows, testStart, summary)
    }

    private func summarize(_ rows: MatchDataset, testStart: Int, queries: Int, close: Int, quit: Int) -> Summary {
        let train = rows.slice(0..<testStart), test = rows.slice(testStart..<rows.count)
        func goodRate(_ d: MatchDataset) -> Double { d.count == 0 ? 0 : Double(d.labels.reduce(0, +)) / Double(d.count) }
        let gapColumn = MatchFeatures.numericNames.firstIndex(of: "abs_skill_gap")!
        let scores = (0..<test.count).map { -Double(test.features[$0 * MatchFeatures.numericCount + gapColumn]) }
        let labels = test.labels.map { $0 == 1 }
        return Summary(
            seed: config.seed, players: config.players, matches: rows.count, queries: queries,
            featureVersion: MatchFeatures.version, trainRows: train.count, testRows: test.count,
            trainGoodRate: goodRate(train), testGoodRate: goodRate(test),
            closeRate: Double(close) / Double(max(1, rows.count)), quitRate: Double(quit) / Double(max(1, rows.count)),
            baselineSkillGapAUC: RankingMetrics.auc(scores: scores, labels: labels) ?? 0.5,
            baselineSkillGapNDCG10: RankingMetrics.ndcg(scores: scores, labels: labels, groups: test.groups) ?? 0)
    }
}
