import ArgumentParser
import EdgeMatch
import EdgeRuntime
import Foundation

/// `edge-assistant eval`: runs a ranker (`features` + `categorical` → `score`) over a match
/// split directory and reports AUC and NDCG@k over its `groups.npy` (docs/TRAINING.md).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a match ranker on a split directory: AUC and NDCG@10 (EdgeMatch.RankingMetrics).")

    @Argument(help: "Ranker model (.edge or .onnx) with inputs features, categorical and output score.") var model: String
    @Option(help: "Split directory (features.npy, categorical.npy, labels.npy, groups.npy; docs/DATA.md).") var data: String
    @Option(help: "Rows per inference call.") var batch: Int = 256
    @Option(help: "Intra-op threads.") var threads: Int = 1
    @Option(help: "Cut-off of NDCG.") var k: Int = 10
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard batch > 0, threads > 0, k > 0 else { throw ValidationError("--batch, --threads and --k must be positive") }
    }

    func run() throws {
        let m = try ModelLoading.load(model)
        let d = try MatchDataset.load(from: data)
        let r = try Self.evaluate(m.graph, d, batch: batch, threads: threads, k: k)
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
