import EdgeRuntime
import EdgeTestSupport

/// Small graphs for the compression tests, built node by node.
enum TestModels {
    /// x[1, 3, 12, 12] → Conv 3×3 (3→8) → BN → Relu → depthwise 3×3 (8) → Relu → Conv 1×1 (8→16)
    /// + fused Relu → MaxPool 2×2 → Conv 3×3 (16→16) → GlobalAveragePool → Flatten → Gemm (16→10).
    static func cnn(seed: UInt64 = 1) throws -> Graph {
        var rng = SeededRandom(seed: seed)
        var g = Graph(name: "cnn")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(3), .fixed(12), .fixed(12)])]
        g.outputs = [ValueInfo(name: "logits", dtype: .float32, shape: nil)]
        func w(_ name: String, _ shape: [Int], _ lo: Float = -1, _ hi: Float = 1) { g.initializers[name] = rng.tensor(shape, lo, hi) }
        w("w1", [8, 3, 3, 3]); w("b1", [8])
        w("bn_s", [8], 0.5, 1.5); w("bn_b", [8]); w("bn_m", [8], -0.2, 0.2); w("bn_v", [8], 0.5, 1.5)
        w("wd", [8, 1, 3, 3]); w("bd", [8])
        w("w2", [16, 8, 1, 1]); w("b2", [16])
        w("w3", [16, 16, 3, 3]); w("b3", [16])
        w("wf", [10, 16]); w("bf", [10])
        let pad1: [String: Attribute] = ["pads": .ints([1, 1, 1, 1])]
        g.nodes = [
            Node(name: "conv1", op: "Conv", inputs: ["x", "w1", "b1"], outputs: ["c1"], attributes: pad1),
            Node(name: "bn", op: "BatchNormalization", inputs: ["c1", "bn_s", "bn_b", "bn_m", "bn_v"], outputs: ["n1"]),
            Node(name: "relu1", op: "Relu", inputs: ["n1"], outputs: ["r1"]),
            Node(name: "dw", op: "Conv", inputs: ["r1", "wd", "bd"], outputs: ["d1"], attributes: pad1.merging(["group": .int(8)]) { a, _ in a }),
            Node(name: "relu2", op: "Relu", inputs: ["d1"], outputs: ["r2"]),
            Node(name: "conv2", op: "Conv", inputs: ["r2", "w2", "b2"], outputs: ["c2"], attributes: ["activation": .string("Relu")]),
            Node(name: "pool", op: "MaxPool", inputs: ["c2"], outputs: ["p2"], attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]),
            Node(name: "conv3", op: "Conv", inputs: ["p2", "w3", "b3"], outputs: ["c3"], attributes: pad1),
            Node(name: "gap", op: "GlobalAveragePool", inputs: ["c3"], outputs: ["g3"]),
            Node(name: "flat", op: "Flatten", inputs: ["g3"], outputs: ["f3"]),
            Node(name: "fc", op: "Gemm", inputs: ["f3", "wf", "bf"], outputs: ["logits"], attributes: ["transB": .int(1)]),
        ]
        return g
    }

    /// Two Convs whose outputs meet in a residual Add, plus an SE-style Mul branch:
    /// x → convA → a; a → convB → b; s = a + b (residual); gap(s) → convC → sigmoid → m;
    /// y = s · m (SE); y → convD → out.
    static func residualSE(seed: UInt64 = 2) throws -> Graph {
        var rng = SeededRandom(seed: seed)
        var g = Graph(name: "res")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(4), .fixed(6), .fixed(6)])]
        g.outputs = [ValueInfo(name: "out", dtype: .float32, shape: nil)]
        for (n, s) in [("wa", [8, 4, 1, 1]), ("wb", [8, 8, 1, 1]), ("wc", [8, 8, 1, 1]), ("wd", [4, 8, 1, 1])] { g.initializers[n] = rng.tensor(s) }
        g.nodes = [
            Node(name: "convA", op: "Conv", inputs: ["x", "wa"], outputs: ["a"]),
            Node(name: "convB", op: "Conv", inputs: ["a", "wb"], outputs: ["b"]),
            Node(name: "add", op: "Add", inputs: ["a", "b"], outputs: ["s"]),
            Node(name: "gap", op: "GlobalAveragePool", inputs: ["s"], outputs: ["gs"]),
            Node(name: "convC", op: "Conv", inputs: ["gs", "wc"], outputs: ["c"]),
            Node(name: "sig", op: "Sigmoid", inputs: ["c"], outputs: ["m"]),
            Node(name: "mul", op: "Mul", inputs: ["s", "m"], outputs: ["y"]),
            Node(name: "convD", op: "Conv", inputs: ["y", "wd"], outputs: ["out"]),
        ]
        return g
    }

    /// x[m, k] → Gemm (k→h) + Relu → MatMul (h→n): an MLP with both weight kinds.
    static func mlp(m: Int = 4, k: Int = 48, h: Int = 40, n: Int = 24, seed: UInt64 = 3) throws -> Graph {
        var rng = SeededRandom(seed: seed)
        var g = Graph(name: "mlp")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(m), .fixed(k)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["w1"] = rng.tensor([h, k]); g.initializers["b1"] = rng.tensor([h])
        g.initializers["w2"] = rng.tensor([h, n])
        g.nodes = [
            Node(name: "fc1", op: "Gemm", inputs: ["x", "w1", "b1"], outputs: ["h"], attributes: ["transB": .int(1), "alpha": .float(0.5)]),
            Node(name: "relu", op: "Relu", inputs: ["h"], outputs: ["r"]),
            Node(name: "fc2", op: "MatMul", inputs: ["r", "w2"], outputs: ["y"]),
        ]
        return g
    }

    /// Runs `graph` on `feeds`; returns the outputs by name.
    static func run(_ graph: Graph, _ feeds: [String: Tensor]) throws -> [String: Tensor] {
        try InferenceSession(graph: graph).run(feeds)
    }
}
