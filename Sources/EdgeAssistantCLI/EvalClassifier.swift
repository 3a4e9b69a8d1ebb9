import EdgeRuntime
import Foundation

/// `eval` for classifiers (the speech-commands family): the model's first input is fed
/// `features.npy` in batches, the arg-max of its `logits` output (or its only output) is
/// compared with `labels.npy`. Reports top-1 accuracy and recall per class.
enum EvalClassifier {
    struct Result: Equatable {
        /// [true class][predicted class] counts.
        var confusion: [[Int]]
        var rows: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
        var correct: Int { confusion.indices.reduce(0) { $0 + confusion[$1][$1] } }
        var accuracy: Double { rows == 0 ? 0 : Double(correct) / Double(rows) }
        /// Recall of class `c` (nil when the split has no sample of it).
        func recall(_ c: Int) -> Double? {
            let n = confusion[c].reduce(0, +)
            return n == 0 ? nil : Double(confusion[c][c]) / Double(n)
        }
    }

    static func report(_ m: Model, data: String, batch: Int, threads: Int, json: Bool) throws {
        let dir = URL(fileURLWithPath: data)
        let x = try Npy.read(path: dir.appendingPathComponent("features.npy").path)
        let y = try Npy.read(path: dir.appendingPathComponent("labels.npy").path)
        let r = try evaluate(m.graph, features: x, labels: y.intValues(), batch: batch, threads: threads)
        let names = m.metadata.labels
        let name = { (c: Int) in c < names.count ? names[c] : String(c) }
        let perClass = (0..<r.confusion.count).compactMap { c in r.recall(c).map { (name(c), $0) } }
        if json {
            let classes = perClass.map { String(format: "\"%@\": %.6f", $0.0, $0.1) }.joined(separator: ", ")
            print(String(format: "{\"model\": \"%@\", \"rows\": %d, \"accuracy\": %.6f, \"recall\": {%@}}", m.metadata.name, r.rows, r.accuracy, classes))
        } else {
            print(String(format: "rows %d  accuracy %.4f", r.rows, r.accuracy))
            for (label, recall) in perClass { print(String(format: "  %-10@ recall %.4f", label, recall)) }
        }
    }

    /// Classifies every row of `features` ([N, …] float32) and counts agreement with `labels`.
    static func evaluate(_ graph: Graph, features x: Tensor, labels: [Int], batch: Int, threads: Int) throws -> Result {
        guard let input = graph.runtimeInputs.first, graph.runtimeInputs.count == 1 else {
            throw EdgeError(.invalidModel, "not a classifier: needs exactly one input (got \(graph.runtimeInputs.map(\.name)))")
        }
        guard let output = graph.outputs.first(where: { $0.name == "logits" }) ?? (graph.outputs.count == 1 ? graph.outputs.first : nil) else {
            throw EdgeError(.invalidModel, "not a classifier: no `logits` output (got \(graph.outputs.map(\.name)))")
        }
        guard x.dtype == .float32, let n = x.shape.first, n == labels.count, n > 0 else {
            throw EdgeError(.invalidInput, "features.npy \(x.dtype) \(x.shape) does not match \(labels.count) labels")
        }
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: threads))
        let row = x.count / n
        let all = x.scalars(as: Float.self)
        var result: Result?
        var start = 0
        while start < n {
            let end = min(start + batch, n)
            let feed = try Tensor(Array(all[start * row..<end * row]), shape: [end - start] + x.shape.dropFirst())
            let logits = try session.run([input.name: feed])[output.name]!
            guard logits.count % (end - start) == 0, logits.count >= end - start else {
                throw EdgeError(.invalidModel, "\(output.name) has \(logits.count) values for \(end - start) rows")
            }
            let classes = logits.count / (end - start)
            if result == nil { result = Result(confusion: Array(repeating: Array(repeating: 0, count: classes), count: classes)) }
            let v = logits.scalars(as: Float.self)
            for i in 0..<(end - start) {
                let truth = labels[start + i]
                guard truth >= 0, truth < classes else { throw EdgeError(.invalidInput, "labels.npy: label \(truth) of row \(start + i) is outside [0, \(classes))") }
                let scores = v[i * classes..<(i + 1) * classes]
                let predicted = scores.indices.max { scores[$0] < scores[$1] }! - i * classes
                result!.confusion[truth][predicted] += 1
            }
            start = end
        }
        return result!
    }
}
