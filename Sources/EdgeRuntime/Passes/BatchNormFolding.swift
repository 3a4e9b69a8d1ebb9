#if canImport(Glibc)
import Glibc
#endif

/// Folds an inference-mode BatchNormalization into the Conv or Gemm before it:
///
///     s = scale / sqrt(var + eps)        W'[c, …] = W[c, …] · s[c]        b'[c] = (b[c] − mean[c]) · s[c] + bias[c]
///
/// Applies only when the weights, bias and all BN parameters are initializers and the
/// intermediate value has no other reader.
enum BatchNormFolding {
    static func apply(_ graph: Graph) throws(EdgeError) -> Graph {
        var g = graph
        var removed = Set<Int>()
        let consumers = GraphOptimizer.consumers(graph)
        let producerOf = Dictionary(graph.nodes.enumerated().flatMap { i, n in n.outputs.map { ($0, i) } }, uniquingKeysWith: { a, _ in a })
        for (i, bn) in graph.nodes.enumerated() where bn.op == "BatchNormalization" && bn.outputs.count == 1 && bn.inputs.count == 5 {
            guard try bn.attributes.int("training_mode", default: 0) == 0,
                  let x = bn.inputs.first, let p = producerOf[x], !removed.contains(p),
                  GraphOptimizer.isPrivate(x, in: graph, consumers: consumers) else { continue }
            let params = bn.inputs[1...].map { g.initializers[$0] }
            guard params.allSatisfy({ $0?.dtype == .float32 }) else { continue }
            let (scale, bias, mean, variance) = (try params[0]!.floatValues(), try params[1]!.floatValues(),
                                                 try params[2]!.floatValues(), try params[3]!.floatValues())
            let eps = try bn.attributes.float("epsilon", default: 1e-5)
            let channels = scale.count
            guard [bias.count, mean.count, variance.count].allSatisfy({ $0 == channels }) else { continue }
            let s = (0..<channels).map { scale[$0] / sqrtf(variance[$0] + eps) }
            var node = g.nodes[p]
            guard let folded = try fold(&node, s: s, shift: { c, b in (b - mean[c]) * s[c] + bias[c] }, graph: g) else { continue }
            for (name, tensor) in folded { g.initializers[name] = tensor }
            node.outputs = bn.outputs
            g.nodes[p] = node
            removed.insert(i)
        }
        g.nodes = g.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return g
    }

    /// Rewrites `node`'s weight and bias inputs to folded initializers; nil if not foldable.
    private static func fold(_ node: inout Node, s: [Float], shift: (Int, Float) -> Float, graph: Graph) throws(EdgeError) -> [(String, Tensor)]? {
        let channels = s.count
        guard node.inputs.count >= 2, let w = graph.initializers[node.inputs[1]], w.dtype == .float32 else { return nil }
        let hasBias = node.inputs.count >= 3 && !node.inputs[2].isEmpty
        let b: [Float]
        if hasBias {
            guard let bt = graph.initializers[node.inputs[2]], bt.dtype == .float32, bt.count == channels else { return nil }
            b = try bt.floatValues()
        } else {
            b = [Float](repeating: 0, count: channels)
        }
        var weights = try w.floatValues()
        switch node.op {
        case "Conv":
            guard w.shape.first == channels, channels > 0 else { return nil }
            let per = weights.count / channels
            for c in 0..<channels { for k in 0..<per { weights[c * per + k] *= s[c] } }
        case "Gemm":
            // Only the plain form Y = A·Bᵀ + C (transB = 1, alpha = beta = 1, transA = 0).
            guard try node.attributes.int("transB", default: 0) == 1, try node.attributes.int("transA", default: 0) == 0,
                  try node.attributes.float("alpha", default: 1) == 1, try node.attributes.float("beta", default: 1) == 1,
                  w.shape.count == 2, w.shape[0] == channels else { return nil }
            let k = w.shape[1]
            for c in 0..<channels { for j in 0..<k { weights[c * k + j] *= s[c] } }
        default:
            return nil
        }
        let newBias = (0..<channels).map { shift($0, b[$0]) }
        let wName = "\(node.name)/bn_folded_weight", bName = "\(node.name)/bn_folded_bias"
        if node.inputs.count < 3 { node.inputs.append(bName) } else { node.inputs[2] = bName }
        node.inputs[1] = wName
        return [(wName, try Tensor(weights, shape: w.shape)), (bName, try Tensor(newBias, shape: [channels]))]
    }
}
