import EdgeRuntime

/// Unstructured magnitude pruning: zeroes the smallest-|w| weights of Conv (not depthwise),
/// Gemm and MatMul initializers. Exactly ⌊sparsity · n⌋ weights become zero, per tensor
/// (`layer` scope) or over all targeted tensors together (`global` scope, one threshold).
/// The graph keeps its shape; Conv/Gemm layers at ≥ 50 % zeros then run on the sparse kernel,
/// and `ModelFile.write(sparseTensors:)` stores them in the `csr` encoding.
public enum MagnitudePruning {
    /// Initializer names of the weights pruning may touch, with the node that reads each.
    static func targets(_ graph: Graph) -> [(weight: String, node: Node)] {
        let index = GraphIndex(graph)
        var seen = Set<String>(), out: [(String, Node)] = []
        for node in graph.nodes {
            switch node.op {
            case "Conv":
                guard let w = index.privateWeight(node, 1), w.rank >= 3, w.shape[1] > 1 || intAttribute(node, "group", 1) == 1 else { continue }
            case "Gemm", "MatMul":
                guard let w = index.privateWeight(node, 1), w.rank == 2 else { continue }
            default: continue
            }
            if seen.insert(node.inputs[1]).inserted { out.append((node.inputs[1], node)) }
        }
        return out
    }

    public static func apply(_ graph: Graph, sparsity: Double, scope: PruningScope) throws(EdgeError) -> StepResult {
        let found = targets(graph)
        guard !found.isEmpty else {
            throw EdgeError(.invalidInput, "nothing to prune: no Conv (non-depthwise), Gemm or MatMul has its own constant float32 weights")
        }
        var g = graph
        var values = found.map { g.initializers[$0.weight]!.scalars(as: Float.self) }
        switch scope {
        case .layer:
            for i in values.indices { zeroSmallest(&values[i], count: Int(sparsity * Double(values[i].count))) }
        case .global:
            let total = values.reduce(0) { $0 + $1.count }
            let k = Int(sparsity * Double(total))
            if k > 0 {
                let threshold = values.flatMap { $0.map(abs) }.sorted()[k - 1]
                // Below the threshold everything goes; ties at it go in order until k are zero.
                var budget = k
                for i in values.indices { for j in values[i].indices where abs(values[i][j]) < threshold { values[i][j] = 0; budget -= 1 } }
                for i in values.indices {
                    for j in values[i].indices where budget > 0 && abs(values[i][j]) == threshold {
                        values[i][j] = 0
                        budget -= 1
                    }
                }
            }
        }
        var changes: [LayerChange] = []
        for (t, v) in zip(found, values) {
            let old = g.initializers[t.weight]!
            g.initializers[t.weight] = Tensor.floats(v, old.shape)
            let zeros = v.filter { $0 == 0 }.count
            changes.append(LayerChange(node: t.node.name, op: t.node.op,
                                       detail: "sparsity \(String(format: "%.3f", Double(zeros) / Double(max(v.count, 1)))) of \(v.count) weights",
                                       changed: true))
        }
        return StepResult(graph: g, changes: changes)
    }

    /// Sets the `count` smallest-magnitude entries of `v` to zero (ties broken by position).
    static func zeroSmallest(_ v: inout [Float], count: Int) {
        guard count > 0 else { return }
        let order = v.indices.sorted { (abs(v[$0]), $0) < (abs(v[$1]), $1) }
        for i in order.prefix(count) { v[i] = 0 }
    }
}
