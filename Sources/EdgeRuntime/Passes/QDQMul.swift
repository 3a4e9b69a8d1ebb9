/// DequantizeLinear(a) · DequantizeLinear(b) → QuantizeLinear with constant per-tensor 8-bit
/// parameters (squeeze-excitation scaling, HardSwish's x · HardSigmoid(x) as ONNX Runtime quantizes
/// it) → one `QMul` node (exact: same float arithmetic, no intermediate tensors). The
/// DequantizeLinear nodes stay while other nodes read them.
enum QDQMul {
    static func apply(_ graph: Graph) throws(EdgeError) -> Graph {
        var g = graph
        let consumers = GraphOptimizer.consumers(graph)
        let producerOf = Dictionary(graph.nodes.enumerated().flatMap { i, n in n.outputs.map { ($0, i) } }, uniquingKeysWith: { a, _ in a })
        var removed = Set<Int>()
        for (qi, q) in graph.nodes.enumerated() where q.op == "QuantizeLinear" && q.inputs.count == 3 && q.outputs.count == 1 {
            guard let mi = producerOf[q.inputs[0]], !removed.contains(mi), graph.nodes[mi].op == "Mul",
                  graph.nodes[mi].inputs.count == 2, GraphOptimizer.isPrivate(q.inputs[0], in: graph, consumers: consumers),
                  let ai = producerOf[graph.nodes[mi].inputs[0]], let bi = producerOf[graph.nodes[mi].inputs[1]],
                  graph.nodes[ai].op == "DequantizeLinear", graph.nodes[bi].op == "DequantizeLinear" else { continue }
            let (a, b) = (graph.nodes[ai], graph.nodes[bi])
            guard perTensor8Bit(a.inputs, graph), perTensor8Bit(b.inputs, graph), perTensor8Bit(q.inputs, graph) else { continue }
            g.nodes[qi] = Node(name: graph.nodes[mi].name, op: "QMul", inputs: a.inputs + b.inputs + Array(q.inputs.dropFirst()),
                               outputs: q.outputs)
            removed.insert(mi)
        }
        g.nodes = g.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return g
    }

    /// [value, scale, zero point] with a constant per-tensor scale and a constant 8-bit zero point.
    private static func perTensor8Bit(_ inputs: [String], _ graph: Graph) -> Bool {
        guard inputs.count == 3, let s = graph.initializers[inputs[1]], let z = graph.initializers[inputs[2]],
              z.dtype == .uint8 || z.dtype == .int8 else { return false }
        return (try? QuantParams.read(scale: s, zero: z, dtype: z.dtype, channels: nil, what: "")) != nil
    }
}
