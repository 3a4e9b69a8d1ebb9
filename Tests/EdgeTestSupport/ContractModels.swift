import EdgeRuntime
import Foundation

/// Tiny model families that honour the three model contracts (speech, detection, match ranker:
/// docs/ARCHITECTURE.md), small enough to compile and run in microseconds, for tests of the
/// daemon's inference routes (EdgeServerTests, CLITests).
public enum ContractModels {
    public static let detectionLabels = ["stop_sign", "turn_left", "turn_right", "crosswalk", "exit_sign"]
    public static let speechLabels = ["_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
    /// Input side of the detection model (the head is 4×4 cells at stride 4).
    public static let detectionSide = 16

    /// Writes `models/<family>/card.json` and one `.edge` per variant (`teacher`, `int8`), both
    /// holding `graph`.
    public static func writeFamily(in models: String, family: String, task: String, metric: String, labels: [String],
                                   graph: () throws -> Graph) throws {
        let dir = (models as NSString).appendingPathComponent(family)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var variants: [[String: Any]] = []
        for (i, v) in ["teacher", "int8"].enumerated() {
            try ModelFile.write(Model(graph: try graph(), metadata: ModelMetadata(name: family, task: task, labels: labels)), to: "\(dir)/\(v).edge")
            variants.append(["name": v, "file": "\(v).edge", "technique": i == 0 ? "float" : "int8", "accuracy": 0.9 - Double(i) * 0.01,
                             "latency_ms_p50": 0.1, "latency_ms_p99": 0.2, "cpu_ms": i == 0 ? 0.4 : 0.1])
        }
        let card: [String: Any] = ["family": family, "task": task, "metric": metric, "labels": labels, "variants": variants]
        try JSONSerialization.data(withJSONObject: card).write(to: URL(fileURLWithPath: "\(dir)/card.json"))
    }

    /// `landmarks` (detection), `speech-commands` (speech) and `matchmaker` (recommendation;
    /// ranker weights `rankWeights` over `categorical` columns) under `models`.
    public static func writeAll(in models: String, rankWeights: [Float], categorical: Int) throws {
        try writeFamily(in: models, family: "landmarks", task: "detection", metric: "mAP@0.5", labels: detectionLabels, graph: detectionGraph)
        try writeFamily(in: models, family: "speech-commands", task: "speech", metric: "accuracy", labels: speechLabels, graph: speechGraph)
        try writeFamily(in: models, family: "matchmaker", task: "recommendation", metric: "AUC", labels: []) {
            try rankGraph(weights: rankWeights, categorical: categorical)
        }
    }

    /// image [N,3,16,16] → AveragePool 4×4 → 1×1 convs: heatmap = sigmoid(±5 per class: class 0
    /// fires everywhere), boxes = 2 px on every side (4×4 boxes, one per cell, no overlap).
    public static func detectionGraph() throws -> Graph {
        let s = detectionSide
        var g = Graph(name: "det")
        g.inputs = [ValueInfo(name: "image", dtype: .float32, shape: [.symbolic("n"), .fixed(3), .fixed(s), .fixed(s)])]
        g.outputs = [ValueInfo(name: "heatmap", dtype: .float32, shape: nil), ValueInfo(name: "boxes", dtype: .float32, shape: nil)]
        let classes = detectionLabels.count
        g.initializers["wh"] = try Tensor([Float](repeating: 0, count: classes * 3), shape: [classes, 3, 1, 1])
        g.initializers["bh"] = try Tensor((0..<classes).map { $0 == 0 ? Float(5) : -5 }, shape: [classes])
        g.initializers["wb"] = try Tensor([Float](repeating: 0, count: 4 * 3), shape: [4, 3, 1, 1])
        g.initializers["bb"] = try Tensor([Float](repeating: 2, count: 4), shape: [4])
        g.nodes = [
            Node(name: "pool", op: "AveragePool", inputs: ["image"], outputs: ["p"], attributes: ["kernel_shape": .ints([4, 4]), "strides": .ints([4, 4])]),
            Node(name: "ch", op: "Conv", inputs: ["p", "wh", "bh"], outputs: ["h"]),
            Node(name: "sig", op: "Sigmoid", inputs: ["h"], outputs: ["heatmap"]),
            Node(name: "cb", op: "Conv", inputs: ["p", "wb", "bb"], outputs: ["boxes"]),
        ]
        return g
    }

    /// features [N,1,98,40] → Flatten → Gemm (zero weights, fixed bias) → logits [N,12].
    public static func speechGraph() throws -> Graph {
        var g = Graph(name: "speech")
        g.inputs = [ValueInfo(name: "features", dtype: .float32, shape: [.symbolic("n"), .fixed(1), .fixed(98), .fixed(40)])]
        g.outputs = [ValueInfo(name: "logits", dtype: .float32, shape: [.symbolic("n"), .fixed(speechLabels.count)])]
        g.initializers["w"] = try Tensor([Float](repeating: 0, count: 98 * 40 * speechLabels.count), shape: [98 * 40, speechLabels.count])
        g.initializers["b"] = try Tensor((0..<speechLabels.count).map { $0 == 0 ? Float(4) : 0 }, shape: [speechLabels.count])
        g.nodes = [
            Node(name: "flat", op: "Flatten", inputs: ["features"], outputs: ["f"]),
            Node(name: "fc", op: "Gemm", inputs: ["f", "w", "b"], outputs: ["logits"]),
        ]
        return g
    }

    /// score = features · weights + float(categorical) · 0 → [N,1], for `weights.count` numeric
    /// and `categorical` categorical columns.
    public static func rankGraph(weights: [Float], categorical k: Int) throws -> Graph {
        let f = weights.count
        var g = Graph(name: "rank")
        g.inputs = [ValueInfo(name: "features", dtype: .float32, shape: [.symbolic("n"), .fixed(f)]),
                    ValueInfo(name: "categorical", dtype: .int64, shape: [.symbolic("n"), .fixed(k)])]
        g.outputs = [ValueInfo(name: "score", dtype: .float32, shape: nil)]
        g.initializers["w"] = try Tensor(weights, shape: [f, 1])
        g.initializers["wc"] = try Tensor([Float](repeating: 0, count: k), shape: [k, 1])
        g.nodes = [
            Node(name: "num", op: "MatMul", inputs: ["features", "w"], outputs: ["a"]),
            Node(name: "cast", op: "Cast", inputs: ["categorical"], outputs: ["c"], attributes: ["to": .int(1)]),
            Node(name: "cat", op: "MatMul", inputs: ["c", "wc"], outputs: ["b"]),
            Node(name: "sum", op: "Add", inputs: ["a", "b"], outputs: ["score"]),
        ]
        return g
    }

}
