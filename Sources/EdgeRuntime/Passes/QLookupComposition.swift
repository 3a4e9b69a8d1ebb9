/// Execution-only rewrite (applied by `InferenceSession`, never to graphs that are saved or
/// exported): an element-wise 8-bit node whose every operand is a function of one 8-bit tensor s,
///
///     QMul(a, b)   with a, b ∈ { s, QLookup(s) }      (HardSwish as ONNX Runtime quantizes it:
///     QLookup(t)   with t = QLookup(s)                  x · HardSigmoid(x) → QMul(x, QLookup(x)))
///
/// is itself a function of s's 256 values, so it becomes one `QLookup` of s. The table is computed
/// by running the node and the lookups it reads on all 256 values (`LookupTable`), so results are
/// bit-identical to the uncomposed graph. Nodes are visited in execution order, so chains compose
/// transitively. A lookup that is no longer read is dropped by dead-node removal.
///
/// The composed node is `QLookup(s, table)` without the description of an original QDQ triple, so
/// the exporter cannot lower it: that is why this pass is not part of `GraphOptimizer.optimize`
/// (whose output `compress` and `import` persist) but of `optimizeForExecution`.
enum QLookupComposition {
    static func apply(_ graph: Graph) throws(EdgeError) -> Graph {
        var g = graph
        g.nodes = try graph.topologicallySorted()
        let types = EightBitTypes(g)
        var producerOf: [String: Int] = [:]
        for (i, node) in g.nodes.enumerated() { for out in node.outputs { producerOf[out] = i } }
        var names = NameSource(graph)
        for i in g.nodes.indices {
            let node = g.nodes[i]
            let operands: [Int]
            switch node.op {
            case "QMul" where node.inputs.count == 8: operands = [0, 3]
            case "QLookup" where node.inputs.count >= 2: operands = [0]
            default: continue
            }
            // Each operand: the source itself, or a QLookup of it.
            var source: String? = nil, lookups: [Int] = []
            for k in operands {
                var value = node.inputs[k]
                if let p = producerOf[value], g.nodes[p].op == "QLookup", g.nodes[p].inputs.count >= 2 {
                    if !lookups.contains(p) { lookups.append(p) }
                    value = g.nodes[p].inputs[0]
                }
                guard source == nil || source == value else { source = nil; break }
                source = value
            }
            guard let source, !lookups.isEmpty || node.op == "QMul", let sourceType = types[source],
                  let outputType = types[node.outputs[0]],
                  let table = LookupTable.evaluate(nodes: lookups.sorted().map { g.nodes[$0] } + [node], input: source,
                                                   inputType: sourceType, output: node.outputs[0], outputType: outputType,
                                                   initializers: g.initializers) else { continue }
            let tableName = names.fresh("\(node.name.isEmpty ? node.outputs[0] : node.name)/composed_table")
            g.initializers[tableName] = table
            g.nodes[i] = Node(name: node.name, op: "QLookup", inputs: [source, tableName], outputs: [node.outputs[0]])
        }
        return GraphOptimizer.removeDeadNodes(g)
    }
}

/// Element types of the 8-bit values of a graph, as far as the graph states them: declared inputs,
/// zero points (QuantizeLinear / DequantizeLinear / QLinear* / QMul / QLookup inputs), lookup tables.
struct EightBitTypes {
    private var types: [String: DType] = [:]

    init(_ graph: Graph) {
        func note(_ value: String, _ zeroOrTable: String) {
            guard !value.isEmpty, !zeroOrTable.isEmpty, let t = graph.initializers[zeroOrTable],
                  t.dtype == .uint8 || t.dtype == .int8 else { return }
            types[value] = t.dtype
        }
        for info in graph.inputs where info.dtype == .uint8 || info.dtype == .int8 { types[info.name] = info.dtype }
        for node in graph.nodes {
            let ins = node.inputs + [String](repeating: "", count: max(0, 9 - node.inputs.count))
            switch node.op {
            case "QuantizeLinear": note(node.outputs[0], ins[2])
            case "DequantizeLinear": note(ins[0], ins[2])
            case "QMul":
                note(ins[0], ins[2]); note(ins[3], ins[5]); note(node.outputs[0], ins[7])
            case "QLinearConv", "QLinearMatMul":
                note(ins[0], ins[2]); note(node.outputs[0], ins[7])
            case "QLookup":
                note(ins[0], ins[3]); note(node.outputs[0], ins[1])
            default: break
            }
        }
    }

    subscript(_ value: String) -> DType? { types[value] }
}
