/// Fuses an activation node into the Conv/ConvTranspose/Gemm/MatMul that feeds it, so the
/// activation is applied while the output tile is still in registers instead of in a second
/// pass over memory.
enum ActivationFusion {
    static let producers: Set<String> = ["Conv", "ConvTranspose", "Gemm", "MatMul"]

    static func apply(_ graph: Graph) throws(EdgeError) -> Graph {
        var g = graph
        var removed = Set<Int>()
        let consumers = GraphOptimizer.consumers(graph)
        let producerOf = Dictionary(graph.nodes.enumerated().flatMap { i, n in n.outputs.map { ($0, i) } }, uniquingKeysWith: { a, _ in a })
        for (i, act) in graph.nodes.enumerated() where ActivationOps.opTypes.contains(act.op) {
            guard let x = act.inputs.first, let p = producerOf[x], !removed.contains(p),
                  producers.contains(g.nodes[p].op), g.nodes[p].outputs.count == 1,
                  try FusedActivation.attached(to: g.nodes[p]).kind == .none,
                  GraphOptimizer.isPrivate(x, in: graph, consumers: consumers) else { continue }
            let constants = act.inputs.map { graph.initializers[$0] }
            guard let fused = try? FusedActivation.from(node: act, constants: constants) else { continue }
            for (k, v) in fused.attributes { g.nodes[p].attributes[k] = v }
            g.nodes[p].outputs = act.outputs
            removed.insert(i)
        }
        g.nodes = g.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return g
    }
}
