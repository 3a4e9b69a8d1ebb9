/// Replaces the float islands ONNX Runtime's QDQ quantization leaves around element-wise unary ops,
///
///     DequantizeLinear(x_q) ─ HardSigmoid / Sigmoid / Tanh / HardSwish / Relu / LeakyRelu / Clip / … ─ QuantizeLinear ─► y_q
///
/// with constant per-tensor 8-bit parameters, by one `QLookup` node reading x_q through a 256-entry
/// table. The table is computed when the pass runs by running the original three nodes on the
/// engine itself for all 256 input values (`LookupTable`), so the lookup gives exactly what the
/// unfused graph gives for every element. The DequantizeLinear stays for other readers (dead-node removal drops it otherwise).
///
/// The QLookup node keeps everything needed to write the triple back as standard ONNX (see
/// `QLookupOp`): inputs [x_q, table, x_scale, x_zero, y_scale, y_zero, op's constant inputs…],
/// attributes = the float op's + `lookup_op`.
enum QDQLookup {
    /// Element-wise unary float ops whose extra inputs (if any) are optional constants.
    static let unaryOps: Set<String> = [
        "HardSigmoid", "Sigmoid", "Tanh", "HardSwish", "Relu", "LeakyRelu", "Clip", "Elu", "Selu", "Softplus",
        "Softsign", "Gelu", "Mish", "Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Erf", "Celu", "ThresholdedRelu",
    ]

    static func apply(_ graph: Graph) throws(EdgeError) -> Graph {
        var g = graph
        let consumers = GraphOptimizer.consumers(graph)
        let producerOf = Dictionary(graph.nodes.enumerated().flatMap { i, n in n.outputs.map { ($0, i) } }, uniquingKeysWith: { a, _ in a })
        var names = NameSource(graph)
        var removed = Set<Int>()
        for (qi, q) in graph.nodes.enumerated() where q.op == "QuantizeLinear" && q.inputs.count == 3 && q.outputs.count == 1 {
            guard let pi = producerOf[q.inputs[0]], !removed.contains(pi), unaryOps.contains(graph.nodes[pi].op),
                  graph.nodes[pi].outputs.count == 1, GraphOptimizer.isPrivate(q.inputs[0], in: graph, consumers: consumers),
                  let di = producerOf[graph.nodes[pi].inputs.first ?? ""], graph.nodes[di].op == "DequantizeLinear" else { continue }
            let (op, dq) = (graph.nodes[pi], graph.nodes[di])
            guard let table = lookupTable(dq: dq, op: op, q: q, graph: graph) else { continue }
            let tableName = names.fresh("\(op.name.isEmpty ? q.outputs[0] : op.name)/lookup_table")
            g.initializers[tableName] = table
            var node = Node(name: op.name, op: "QLookup",
                            inputs: [dq.inputs[0], tableName, dq.inputs[1], dq.inputs[2], q.inputs[1], q.inputs[2]] + op.inputs.dropFirst(),
                            outputs: q.outputs, attributes: op.attributes.values)
            node.attributes["lookup_op"] = .string(op.op)
            g.nodes[qi] = node
            removed.insert(pi)
        }
        g.nodes = g.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return g
    }

    /// The 256-entry table of DQ → op → Q, or nil when the triple does not qualify (non-constant or
    /// per-axis parameters, missing zero points, ops the engine cannot run on these inputs).
    static func lookupTable(dq: Node, op: Node, q: Node, graph: Graph) -> Tensor? {
        let inits = graph.initializers
        guard dq.inputs.count == 3, let xs = inits[dq.inputs[1]], let xz = inits[dq.inputs[2]],
              let ys = inits[q.inputs[1]], let yz = inits[q.inputs[2]],
              [DType.uint8, .int8].contains(xz.dtype), [DType.uint8, .int8].contains(yz.dtype),
              (try? QuantParams.read(scale: xs, zero: xz, dtype: xz.dtype, channels: nil, what: "x")) != nil,
              (try? QuantParams.read(scale: ys, zero: yz, dtype: yz.dtype, channels: nil, what: "y")) != nil,
              op.inputs.dropFirst().allSatisfy({ $0.isEmpty || inits[$0] != nil }) else { return nil }
        return LookupTable.evaluate(nodes: [dq, op, q], input: dq.inputs[0], inputType: xz.dtype, output: q.outputs[0],
                                    outputType: yz.dtype, initializers: inits)
    }
}
