import EdgeRuntime

/// Structured (channel) pruning: removes the fraction `ratio` of a Conv's output channels with
/// the smallest filter norms (L1 or L2 of each filter W[c, …]) and rewires everything that
/// indexes those channels — the Conv's bias, BatchNormalization parameters, depthwise Convs,
/// and the consuming Conv's (or post-pool Gemm/MatMul's) input channels. The result is a
/// smaller dense model. Convs whose channels reach anything else (residual Add, Concat, SE Mul,
/// graph outputs…) are skipped and reported; see `ChannelChain`.
public enum ChannelPruning {
    public static func apply(_ graph: Graph, ratio: Double, norm: FilterNorm) throws(EdgeError) -> StepResult {
        var g = graph
        var changes: [LayerChange] = []
        let order = try graph.topologicallySorted().map(\.name)
        let position = Dictionary(graph.nodes.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in order {
            guard let i = position[name] else { continue }
            let index = GraphIndex(g)
            let node = g.nodes[i]
            guard node.op == "Conv", intAttribute(node, "group", 1) == 1, let w = index.privateWeight(node, 1), w.rank >= 3 else { continue }
            let hasBias = node.inputs.count > 2 && !node.inputs[2].isEmpty
            if hasBias && index.privateWeight(node, 2)?.shape != [w.shape[0]] {
                changes.append(LayerChange(node: node.name, op: node.op, detail: "skipped: shared or non-constant bias", changed: false))
                continue
            }
            let channels = w.shape[0]
            switch ChannelChain.trace(from: node.outputs[0], channels: channels, in: index) {
            case .failure(let reason):
                changes.append(LayerChange(node: node.name, op: node.op, detail: "skipped: \(reason.text)", changed: false))
            case .success(let chain):
                let drop = min(channels - 1, Int(ratio * Double(channels)))
                guard drop > 0 else {
                    changes.append(LayerChange(node: node.name, op: node.op, detail: "skipped: \(channels) channels, ratio removes none", changed: false))
                    continue
                }
                let keep = keptChannels(w, drop: drop, norm: norm)
                rewire(&g, conv: i, chain: chain, keep: keep)
                changes.append(LayerChange(node: node.name, op: node.op, detail: "channels \(channels) → \(keep.count)", changed: true))
            }
        }
        guard !changes.isEmpty else {
            throw EdgeError(.invalidInput, "nothing to channel-prune: the model has no group-1 Conv with constant float32 weights")
        }
        return StepResult(graph: g, changes: changes)
    }

    /// Indices (ascending) of the channels to keep: all but the `drop` with the smallest norm.
    static func keptChannels(_ w: Tensor, drop: Int, norm: FilterNorm) -> [Int] {
        let v = w.scalars(as: Float.self), channels = w.shape[0], size = v.count / max(channels, 1)
        let norms = (0..<channels).map { c in
            v[c * size..<(c + 1) * size].reduce(0.0) { acc, x in acc + (norm == .l1 ? Double(abs(x)) : Double(x * x)) }
        }
        let ranked = (0..<channels).sorted { (norms[$0], $0) < (norms[$1], $1) }
        return ranked.dropFirst(drop).sorted()
    }

    /// Slices every tensor the chain says indexes the pruned channels.
    private static func rewire(_ g: inout Graph, conv: Int, chain: ChannelChain, keep: [Int]) {
        func slice(_ name: String, axis: Int) {
            guard !name.isEmpty, let t = g.initializers[name] else { return }
            g.initializers[name] = select(t, axis: axis, keep: keep)
        }
        let node = g.nodes[conv]
        slice(node.inputs[1], axis: 0)
        if node.inputs.count > 2 { slice(node.inputs[2], axis: 0) }
        for i in chain.perChannel {
            let n = g.nodes[i]
            if n.op == "BatchNormalization" {
                for j in 1...4 { slice(n.inputs[j], axis: 0) }
            } else {
                slice(n.inputs[1], axis: 0)
                if n.inputs.count > 2 { slice(n.inputs[2], axis: 0) }
                g.nodes[i].attributes.values["group"] = .int(keep.count)
            }
        }
        for i in chain.terminals {
            let n = g.nodes[i]
            let transB = intAttribute(n, "transB", 0) != 0
            switch n.op {
            case "Conv": slice(n.inputs[1], axis: 1)
            case "Gemm": slice(n.inputs[1], axis: transB ? 1 : 0)
            default: slice(n.inputs[1], axis: 0)
            }
        }
    }

    /// The entries of `t` whose index on `axis` is in `keep` (in that order).
    static func select(_ t: Tensor, axis: Int, keep: [Int]) -> Tensor {
        let v = t.scalars(as: Float.self)
        let outer = t.shape[..<axis].reduce(1, *), inner = t.shape[(axis + 1)...].reduce(1, *), n = t.shape[axis]
        var out: [Float] = []
        out.reserveCapacity(outer * keep.count * inner)
        for o in 0..<outer {
            for c in keep { out += v[(o * n + c) * inner..<(o * n + c + 1) * inner] }
        }
        var shape = t.shape
        shape[axis] = keep.count
        return Tensor.floats(out, shape)
    }
}
