import EdgeRuntime

/// What a compression step changed, for reports: one line per layer touched or skipped.
public struct LayerChange: Sendable, Codable, Equatable {
    public var node: String
    public var op: String
    /// e.g. "sparsity 0.80", "channels 64 → 45", "rank 32 of 256".
    public var detail: String
    /// False when the layer was examined but left unchanged (`detail` says why).
    public var changed: Bool
}

/// Outcome of one step: the new graph and the per-layer record.
public struct StepResult: Sendable {
    public var graph: Graph
    public var changes: [LayerChange]
    /// Step-level findings for the report (e.g. the measured drop of mixed precision).
    public var notes: [String] = []

    public init(graph: Graph, changes: [LayerChange], notes: [String] = []) {
        (self.graph, self.changes, self.notes) = (graph, changes, notes)
    }
}

/// Small read/modify helpers over a graph's initializers, shared by the passes.
struct GraphIndex {
    let graph: Graph
    /// Value name → indices of the nodes that read it (once per node).
    let consumers: [String: [Int]]
    let outputs: Set<String>

    init(_ graph: Graph) {
        self.graph = graph
        var map: [String: [Int]] = [:]
        for (i, node) in graph.nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty { map[input, default: []].append(i) }
        }
        consumers = map
        outputs = Set(graph.outputs.map(\.name))
    }

    /// The float32 initializer at input `i` of `node`, if it is one and nothing else reads it
    /// (so it can be rewritten in place without changing another node).
    func privateWeight(_ node: Node, _ i: Int) -> Tensor? {
        guard i < node.inputs.count, !node.inputs[i].isEmpty, let t = graph.initializers[node.inputs[i]],
              t.dtype == .float32, consumers[node.inputs[i]]?.count == 1,
              node.inputs.filter({ $0 == node.inputs[i] }).count == 1 else { return nil }
        return t
    }

    /// The only node reading `value`, if exactly one does (and `value` is not a graph output).
    func soleConsumer(of value: String) -> Int? {
        guard !outputs.contains(value), let c = consumers[value], c.count == 1 else { return nil }
        return c[0]
    }
}

extension Tensor {
    /// A float32 tensor from `values` (the count must match `shape`).
    static func floats(_ values: [Float], _ shape: [Int]) -> Tensor {
        try! Tensor(values, shape: shape)
    }
}

/// Integer attribute with default, nil if malformed (callers then skip the node).
func intAttribute(_ node: Node, _ name: String, _ fallback: Int) -> Int? {
    try? node.attributes.int(name, default: fallback)
}

extension Tensor {
    var rank: Int { shape.count }
}
