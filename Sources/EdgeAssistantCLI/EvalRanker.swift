import EdgeMatch
import EdgeRuntime
import Foundation

/// `eval` for match rankers (`features` + `categorical` → `score`): AUC and NDCG@k over the
/// split's `groups.npy` (EdgeMatch.RankingMetrics).
enum EvalRanker {
    static func report(_ m: Model, data: String, batch: Int, threads: Int, k: Int, json: Bool) throws {
        let d = try MatchDataset.load(from: data)
        let r = try evaluate(m.graph, d, batch: batch, threads: threads, k: k)
        if json {
            print(String(format: "{\"model\": \"%@\", \"rows\": %d, \"auc\": %.6f, \"ndcg\": %.6f, \"k\": %d}", m.metadata.name, d.count, r.auc, r.ndcg, k))
        } else {
            print(String(format: "rows %d  AUC %.4f  NDCG@%d %.4f", d.count, r.auc, k, r.ndcg))
        }
    }

    /// Scores every row of `d` with `graph` in batches and computes AUC and NDCG@k.
    static func evaluate(_ graph: Graph, _ d: MatchDataset, batch: Int, threads: Int, k: Int) throws -> (auc: Double, ndcg: Double) {
        let scores = try rankerScores(graph, d, batch: batch, threads: threads)
        let labels = d.labels.map { $0 == 1 }
        // MatchDataset.load has checked both classes are present, so AUC is defined; NDCG is
        // nil only when no group holds a positive, which the same check rules out.
        guard let auc = RankingMetrics.auc(scores: scores, labels: labels),
              let ndcg = RankingMetrics.ndcg(scores: scores, labels: labels, groups: d.groups, k: k) else {
            throw EdgeError(.invalidInput, "the split has no positive or no negative rows")
        }
        return (auc, ndcg)
    }

    /// The model's `score` for every row, checked against the match contract first.
    static func rankerScores(_ graph: Graph, _ d: MatchDataset, batch: Int, threads: Int) throws -> [Double] {
        let names = Set(graph.runtimeInputs.map(\.name))
        guard names == ["features", "categorical"], let out = graph.outputs.first(where: { $0.name == "score" }) else {
            throw EdgeError(.invalidModel, "not a match ranker: needs inputs features, categorical and output score (got inputs \(names.sorted()))")
        }
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: threads))
        let f = MatchFeatures.numericCount, kc = MatchFeatures.categoricalCount
        var scores = [Double]()
        scores.reserveCapacity(d.count)
        var start = 0
        while start < d.count {
            let end = min(start + batch, d.count), n = end - start
            let feeds = [
                "features": try Tensor(Array(d.features[start * f..<end * f]), shape: [n, f]),
                "categorical": try Tensor(Array(d.categorical[start * kc..<end * kc]), shape: [n, kc]),
            ]
            let y = try session.run(feeds)[out.name]!
            guard y.count == n else { throw EdgeError(.invalidModel, "score has \(y.count) values for \(n) rows") }
            scores += y.scalars(as: Float.self).map(Double.init)
            start = end
        }
        return scores
    }
}
