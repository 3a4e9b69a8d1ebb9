/// Static cost figures of a compiled plan: multiply-accumulates and parameter counts.
public enum CostModel {
    /// Multiply-accumulate operations of one inference (Conv, ConvTranspose, Gemm, MatMul,
    /// GRU, LSTM and their int8/int4 forms; other ops are memory-bound and counted as 0).
    public static func macs(of plan: Plan) -> Int {
        plan.stepNodes.reduce(0) { $0 + macs(of: $1, types: plan.valueTypes) }
    }

    static func macs(of node: Node, types: [String: TensorType]) -> Int {
        func type(_ i: Int) -> TensorType? { i < node.inputs.count ? types[node.inputs[i]] : nil }
        guard let out = node.outputs.first.flatMap({ types[$0] }) else { return 0 }
        switch node.op {
        case "Conv", "QLinearConv":
            // Each output element needs (Cin/group)·∏kernel MACs: exactly the weight's per-filter size.
            guard let w = type(node.op == "Conv" ? 1 : 3), w.rank >= 2 else { return 0 }
            return out.count * w.shape.dropFirst().reduce(1, *)
        case "ConvTranspose":
            guard let x = type(0), let w = type(1), w.rank >= 2 else { return 0 }
            return x.count * w.shape.dropFirst().reduce(1, *)
        case "Gemm", "MatMul":
            guard let a = type(0) else { return 0 }
            let transA = (try? node.attributes.int("transA", default: 0)) ?? 0
            let k = node.op == "Gemm" && transA != 0 ? a.shape.first ?? 1 : a.shape.last ?? 1
            return out.count * k
        case "QLinearMatMul", "DynamicQMatMul", "MatMulNBits":
            guard let a = type(0) else { return 0 }
            return out.count * (a.shape.last ?? 1)
        case "GRU", "LSTM":
            guard let x = type(0), let w = type(1), let r = type(2), x.rank == 3, w.rank == 3, r.rank == 3 else { return 0 }
            let steps = x.shape[0] * x.shape[1]
            return steps * (w.shape[0] * w.shape[1] * w.shape[2] + r.shape[0] * r.shape[1] * r.shape[2])
        default:
            return 0
        }
    }

    /// Number of scalar weights (all float/int initializers) in a graph.
    public static func parameterCount(_ graph: Graph) -> Int {
        graph.initializers.values.reduce(0) { $0 + $1.count }
    }
}
