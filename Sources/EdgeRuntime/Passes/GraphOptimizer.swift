/// Graph-level rewrites applied once when a session is created, before any shape is known.
/// Each pass keeps the graph's outputs bit-for-bit meaning-preserving up to float rounding.
///
/// 1. `removeIdentities`: consumers of an Identity read its input directly.
/// 2. `BatchNormFolding`: Conv/Gemm followed by inference BatchNormalization → one Conv/Gemm
///    with rescaled weights and bias.
/// 3. `QDQFusion`: DequantizeLinear → Conv/MatMul/Gemm → [Relu/Clip] → QuantizeLinear (ONNX
///    Runtime's QDQ form) → one QLinearConv/QLinearMatMul on the int8 kernels.
/// 4. `QDQLookup`: DequantizeLinear → element-wise unary float op → QuantizeLinear (per-tensor
///    constant parameters) → one QLookup node (256-entry table, exact); `QDQMul`: DQ · DQ → Q
///    → one QMul node (exact). `QDQDynamic`: DynamicQuantizeLinear → DQ → MatMul/Gemm(DQ(int8
///    weight)) → one DynamicQMatMul (activation quantized per call, int8 GEMM, float output).
/// 5. `ActivationFusion`: Conv/ConvTranspose/Gemm/MatMul followed by Relu/Clip/… → the op
///    carries `activation` attributes and its kernel applies it in the store epilogue.
/// 6. `removeDeadNodes`: nodes that do not reach a graph output are dropped.
///
/// `optimizeForExecution` adds `QLookupComposition` (never persisted).
public enum GraphOptimizer {
    public static func optimize(_ graph: Graph) throws(EdgeError) -> Graph {
        var g = removeIdentities(graph)
        g = try BatchNormFolding.apply(g)
        g = try QDQFusion.apply(g)
        g = try QDQLookup.apply(g)
        g = try QDQMul.apply(g)
        g = try QDQDynamic.apply(g)
        g = try ActivationFusion.apply(g)
        return removeDeadNodes(g)
    }

    /// `optimize`, then the rewrites that only make sense for running the graph here and must not
    /// be persisted (their nodes cannot be exported): `QLookupComposition`. `InferenceSession` uses
    /// this; tools that save or export the optimized graph use `optimize`.
    public static func optimizeForExecution(_ graph: Graph) throws(EdgeError) -> Graph {
        try QLookupComposition.apply(try optimize(graph))
    }

    /// Value name → indices of the nodes that read it.
    static func consumers(_ graph: Graph) -> [String: [Int]] {
        var map: [String: [Int]] = [:]
        for (i, node) in graph.nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty { map[input, default: []].append(i) }
        }
        return map
    }

    /// True if `value` has exactly one reader and is not a graph output, so the node producing
    /// it may be merged with that reader.
    static func isPrivate(_ value: String, in graph: Graph, consumers: [String: [Int]]) -> Bool {
        consumers[value]?.count == 1 && !graph.outputs.contains { $0.name == value }
    }

    static func removeIdentities(_ graph: Graph) -> Graph {
        var g = graph
        let outputs = Set(graph.outputs.map(\.name))
        var rename: [String: String] = [:]
        g.nodes = graph.nodes.filter { node in
            guard node.op == "Identity", node.inputs.count == 1, node.outputs.count == 1,
                  !outputs.contains(node.outputs[0]) else { return true }
            rename[node.outputs[0]] = node.inputs[0]
            return false
        }
        func resolve(_ name: String) -> String {
            var n = name
            while let r = rename[n] { n = r }
            return n
        }
        for i in g.nodes.indices { g.nodes[i].inputs = g.nodes[i].inputs.map(resolve) }
        return g
    }

    /// Drops nodes none of whose outputs reach a graph output.
    static func removeDeadNodes(_ graph: Graph) -> Graph {
        var needed = Set(graph.outputs.map(\.name))
        var keep = [Bool](repeating: false, count: graph.nodes.count)
        var changed = true
        while changed {
            changed = false
            for (i, node) in graph.nodes.enumerated() where !keep[i] && node.outputs.contains(where: needed.contains) {
                keep[i] = true
                changed = true
                needed.formUnion(node.inputs.filter { !$0.isEmpty })
            }
        }
        var g = graph
        g.nodes = graph.nodes.enumerated().filter { keep[$0.offset] }.map(\.element)
        let usedInitializers = needed
        g.initializers = graph.initializers.filter { usedInitializers.contains($0.key) }
        return g
    }
}
