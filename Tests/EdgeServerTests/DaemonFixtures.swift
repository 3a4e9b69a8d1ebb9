import EdgeMatch
import EdgeRuntime
import EdgeServer
import Foundation

/// Tiny model families that honour the three model contracts (docs: helper brief), small enough
/// to compile and run in microseconds, for the daemon's inference routes.
enum DaemonFixtures {
    static let detectionLabels = ["stop_sign", "turn_left", "turn_right", "crosswalk", "exit_sign"]
    static let speechLabels = ["_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
    /// Input side of the detection fixture (the head is 4×4 cells at stride 4).
    static let detectionSide = 16
    /// The ranker's weight per numeric feature: score = features · w (categorical · 0).
    static let rankWeights: [Float] = (0..<MatchFeatures.numericCount).map { Float($0 + 1) * 0.1 }

    /// Writes `detection`, `speech` and `match` families (two variants each) under `models`.
    static func writeAll(in models: String) throws {
        try write(in: models, family: "landmarks", task: "detection", metric: "mAP@0.5", labels: detectionLabels, model: detectionGraph)
        try write(in: models, family: "speech-commands", task: "speech", metric: "accuracy", labels: speechLabels, model: speechGraph)
        try write(in: models, family: "matchmaker", task: "recommendation", metric: "AUC", labels: [], model: rankGraph)
    }

    static func write(in models: String, family: String, task: String, metric: String, labels: [String],
                      model: () throws -> Graph) throws {
        let dir = try Fixtures.writeFamily(in: models, family,
                                           cardOverride: ["task": task, "metric": metric, "labels": labels], writeFiles: false)
        for v in ["teacher", "int8"] {
            try ModelFile.write(Model(graph: try model(), metadata: ModelMetadata(name: family, task: task, labels: labels)), to: "\(dir)/\(v).edge")
        }
    }

    /// image [N,3,16,16] → AveragePool 4×4 → 1×1 convs: heatmap = sigmoid(±5 per class: class 0
    /// fires everywhere), boxes = 2 px on every side (4×4 boxes, one per cell, no overlap).
    static func detectionGraph() throws -> Graph {
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
    static func speechGraph() throws -> Graph {
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

    /// score = features · rankWeights + float(categorical) · 0 → [N,1].
    static func rankGraph() throws -> Graph {
        let f = MatchFeatures.numericCount, k = MatchFeatures.categoricalCount
        var g = Graph(name: "rank")
        g.inputs = [ValueInfo(name: "features", dtype: .float32, shape: [.symbolic("n"), .fixed(f)]),
                    ValueInfo(name: "categorical", dtype: .int64, shape: [.symbolic("n"), .fixed(k)])]
        g.outputs = [ValueInfo(name: "score", dtype: .float32, shape: nil)]
        g.initializers["w"] = try Tensor(rankWeights, shape: [f, 1])
        g.initializers["wc"] = try Tensor([Float](repeating: 0, count: k), shape: [k, 1])
        g.nodes = [
            Node(name: "num", op: "MatMul", inputs: ["features", "w"], outputs: ["a"]),
            Node(name: "cast", op: "Cast", inputs: ["categorical"], outputs: ["c"], attributes: ["to": .int(1)]),
            Node(name: "cat", op: "MatMul", inputs: ["c", "wc"], outputs: ["b"]),
            Node(name: "sum", op: "Add", inputs: ["a", "b"], outputs: ["score"]),
        ]
        return g
    }

    /// The score the fixture ranker gives `candidate` for `player`.
    static func expectedScore(_ player: Player, _ candidate: Player) -> Double {
        let row = MatchFeatures.row(player: player, candidate: candidate).features
        return zip(row, rankWeights).reduce(0) { $0 + Double($1.0 * $1.1) }
    }
}
