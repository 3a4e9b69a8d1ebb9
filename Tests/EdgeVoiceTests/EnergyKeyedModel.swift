import EdgeRuntime
@testable import EdgeVoice

/// A deterministic stand-in for the trained speech model (issue 4), with logits we control:
/// it averages the log-mel values of the newest `recentFrames` frames of its window (the
/// audio's recent loudness `e`) and outputs `logits[target] = e`, `logits[_silence_] = bias`,
/// every other class −100. So the target label wins exactly while the window's newest frames
/// hold sound louder than `bias` (digital silence is log(1e-6) ≈ −13.8, speech ≈ −6…+2).
///
/// This proves capture → frontend → VAD → windowing → detection timing, not recognition
/// accuracy: with it, events must line up with the speech segments one to one.
enum EnergyKeyedModel {
    static let labels = ["_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]

    static func graph(target: Int = 2, bias: Float = -9, recentFrames: Int = 10) throws -> Graph {
        let frames = StreamingRecognizer.windowFrames, bands = StreamingRecognizer.bands
        var w = [Float](repeating: 0, count: labels.count)
        var b = [Float](repeating: -100, count: labels.count)
        w[target] = 1
        b[target] = 0
        b[0] = bias
        var g = Graph(name: "energy-keyed",
                      inputs: [ValueInfo(name: "features", dtype: .float32, shape: [.fixed(1), .fixed(1), .fixed(frames), .fixed(bands)])],
                      outputs: [ValueInfo(name: "logits", dtype: .float32, shape: [.fixed(1), .fixed(labels.count)])])
        g.initializers = [
            "starts": try Tensor([Int64(frames - recentFrames)], shape: [1]),
            "ends": try Tensor([Int64(frames)], shape: [1]),
            "axes": try Tensor([Int64(2)], shape: [1]),
            "raxes": try Tensor([Int64(1), 2, 3], shape: [3]),
            "shape": try Tensor([Int64(1), 1], shape: [2]),
            "w": try Tensor(w, shape: [1, labels.count]),
            "b": try Tensor(b, shape: [labels.count]),
        ]
        g.nodes = [
            Node(name: "recent", op: "Slice", inputs: ["features", "starts", "ends", "axes"], outputs: ["recent"]),
            Node(name: "mean", op: "ReduceMean", inputs: ["recent", "raxes"], outputs: ["mean"]),
            Node(name: "flat", op: "Reshape", inputs: ["mean", "shape"], outputs: ["flat"]),
            Node(name: "proj", op: "MatMul", inputs: ["flat", "w"], outputs: ["proj"]),
            Node(name: "logits", op: "Add", inputs: ["proj", "b"], outputs: ["logits"]),
        ]
        return g
    }

    static func model(variant: String = "energy-test", target: Int = 2) throws -> SpeechModel {
        SpeechModel(session: try InferenceSession(graph: graph(target: target)), labels: labels, variant: variant)
    }

    /// Writes the model as a `.edge` file (for the Wyoming and CLI paths that load files).
    static func write(to path: String) throws {
        let meta = ModelMetadata(name: "energy-keyed", task: "speech", labels: labels)
        try ModelFile.write(Model(graph: try graph(), metadata: meta), to: path)
    }
}
