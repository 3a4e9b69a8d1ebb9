#if canImport(Glibc)
import Glibc
#endif

/// Turns the QDQ layers that ONNX Runtime's `quantize_static` writes into int8 layers:
///
///     DequantizeLinear(x_q) ─┐
///     DequantizeLinear(w_q) ─┼─ Conv / MatMul / Gemm ─ [Relu | Clip] ─ QuantizeLinear ─► y_q
///     bias (float, or DequantizeLinear(int32)) ─┘
///
/// becomes one QLinearConv (Conv) or QLinearMatMul (MatMul, Gemm) reading x_q and writing y_q,
/// with the activation fused as the output clamp (`activation` attributes) and the bias as int32
/// in the accumulator's scale (QLinearMatMul's bias is the engine's input #8). The graph stays
/// int8 between such layers; DequantizeLinear nodes no longer read are dropped by dead-node removal.
///
/// Only layers the int8 ops run on their fast path are fused (constant per-tensor activation
/// parameters; constant symmetric weights, per-tensor or per-output-channel on the right axis;
/// Gemm without transA/alpha/beta); anything else keeps its exact float QDQ form. Results are
/// those of the unfused graph up to one output quantization step (the float layer's rounding
/// differs from the integer accumulation, and a float bias is rounded to int32).
enum QDQFusion {
    static let layers: Set<String> = ["Conv", "MatMul", "Gemm"]

    static func apply(_ graph: Graph) throws(EdgeError) -> Graph {
        var g = graph
        var removed = Set<Int>()
        let consumers = GraphOptimizer.consumers(graph)
        let producerOf = Dictionary(graph.nodes.enumerated().flatMap { i, n in n.outputs.map { ($0, i) } }, uniquingKeysWith: { a, _ in a })
        var names = NameSource(graph)
        func producer(_ value: String, _ op: String) -> Int? {
            guard let p = producerOf[value], !removed.contains(p), g.nodes[p].op == op else { return nil }
            return p
        }
        for (qi, q) in graph.nodes.enumerated() where q.op == "QuantizeLinear" && q.inputs.count == 3 && q.outputs.count == 1 {
            var value = q.inputs[0]
            var actIndex: Int? = nil
            var activation = FusedActivation.none
            if let p = producerOf[value], ["Relu", "Clip"].contains(g.nodes[p].op), !removed.contains(p),
               GraphOptimizer.isPrivate(value, in: graph, consumers: consumers) {
                let constants = g.nodes[p].inputs.map { graph.initializers[$0] }
                guard let act = try? FusedActivation.from(node: g.nodes[p], constants: constants) else { continue }
                actIndex = p
                activation = act
                value = g.nodes[p].inputs[0]
            }
            guard let li = producerOf[value], !removed.contains(li), layers.contains(g.nodes[li].op),
                  g.nodes[li].outputs.count == 1, try FusedActivation.attached(to: g.nodes[li]).kind == .none,
                  GraphOptimizer.isPrivate(value, in: graph, consumers: consumers) else { continue }
            let layer = g.nodes[li]
            guard layer.inputs.count >= 2, let xdq = producer(layer.inputs[0], "DequantizeLinear"),
                  let wdq = producer(layer.inputs[1], "DequantizeLinear") else { continue }
            guard let fused = try? fuse(layer: layer, x: g.nodes[xdq], w: g.nodes[wdq], q: q, activation: activation,
                                        bias: layer.inputs.count > 2 ? layer.inputs[2] : "", graph: g,
                                        biasProducer: layer.inputs.count > 2 ? producer(layer.inputs[2], "DequantizeLinear") : nil,
                                        names: &names) else { continue }
            for (name, t) in fused.initializers { g.initializers[name] = t }
            g.nodes[li] = fused.node
            removed.insert(qi)
            if let actIndex { removed.insert(actIndex) }
        }
        g.nodes = g.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return g
    }

    private struct Fused {
        var node: Node
        var initializers: [(String, Tensor)]
    }

    /// The fused node for one matched layer, or nil (throws) when the int8 ops could not run it.
    private static func fuse(layer: Node, x: Node, w: Node, q: Node, activation: FusedActivation, bias: String,
                             graph: Graph, biasProducer: Int?, names: inout NameSource) throws -> Fused? {
        let inits = graph.initializers
        func constant(_ name: String) -> Tensor? { name.isEmpty ? nil : inits[name] }
        // Activation parameters: constant, per-tensor, 8-bit.
        guard x.inputs.count == 3, let xs = constant(x.inputs[1]), let xz = constant(x.inputs[2]),
              let ys = constant(q.inputs[1]), let yz = constant(q.inputs[2]),
              [DType.uint8, .int8].contains(xz.dtype), [DType.uint8, .int8].contains(yz.dtype) else { return nil }
        let xq = try QuantParams.read(scale: xs, zero: xz, dtype: xz.dtype, channels: nil, what: "x")
        _ = try QuantParams.read(scale: ys, zero: yz, dtype: yz.dtype, channels: nil, what: "y")
        // Weights: constant, symmetric, per-tensor or per-output-channel along the right axis.
        guard w.inputs.count == 3, let wt = constant(w.inputs[0]), let ws = constant(w.inputs[1]), let wz = constant(w.inputs[2]),
              wt.dtype == .int8 || wt.dtype == .uint8 else { return nil }
        let attrs = layer.attributes
        var op = "QLinearConv", channels = 0, channelAxis = 0, transposeWeights = false
        switch layer.op {
        case "Conv":
            guard wt.shape.count == 3 || wt.shape.count == 4 else { return nil }
            channels = wt.shape[0]
        case "MatMul":
            guard wt.shape.count == 2 else { return nil }
            (op, channels, channelAxis) = ("QLinearMatMul", wt.shape[1], 1)
        default: // Gemm: Y = A · op(B) + C with transA = 0, alpha = beta = 1
            guard wt.shape.count == 2, try attrs.int("transA", default: 0) == 0, try attrs.float("alpha", default: 1) == 1,
                  try attrs.float("beta", default: 1) == 1 else { return nil }
            transposeWeights = try attrs.int("transB", default: 0) != 0
            (op, channels, channelAxis) = ("QLinearMatMul", wt.shape[transposeWeights ? 0 : 1], transposeWeights ? 0 : 1)
        }
        let wq = try QuantParams.read(scale: ws, zero: wz, dtype: wt.dtype, channels: channels, what: "w")
        if !wq.isPerTensor || channels == 1 {
            let axis = try w.attributes.int("axis", default: 1)
            guard axis == channelAxis || axis == channelAxis - wt.shape.count else { return nil }
        }
        guard wq.zeroPoints.allSatisfy({ $0 == (wt.dtype == .int8 ? 0 : 128) }), channels > 0,
              wt.count / channels <= 65536 else { return nil }

        var node = Node(name: layer.name, op: op, inputs: [], outputs: q.outputs)
        var created: [(String, Tensor)] = []
        var weightName = w.inputs[0]
        if transposeWeights {
            weightName = names.fresh("\(layer.name)/weight_kn")
            created.append((weightName, transposed(wt)))
        }
        node.inputs = [x.inputs[0], x.inputs[1], x.inputs[2], weightName, w.inputs[1], w.inputs[2], q.inputs[1], q.inputs[2]]
        if !bias.isEmpty {
            guard let b = try int32Bias(bias, producer: biasProducer.map { graph.nodes[$0] }, inits: inits, channels: channels,
                                        accumulatorScale: { xq.scales[0] * wq.scale($0) }) else { return nil }
            let name = names.fresh("\(layer.name)/bias_i32")
            created.append((name, b))
            node.inputs.append(name)
        }
        if layer.op == "Conv" {
            for key in ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"] where attrs.has(key) {
                node.attributes[key] = attrs.values[key]
            }
        }
        if activation.kind != .none { for (k, v) in activation.attributes { node.attributes[k] = v } }
        return Fused(node: node, initializers: created)
    }

    /// The bias as int32 in the accumulator's scale: an int32 DequantizeLinear with exactly that
    /// scale and zero point 0 (what ONNX Runtime writes) is used as is; anything else is rounded.
    private static func int32Bias(_ name: String, producer: Node?, inits: [String: Tensor], channels: Int,
                                  accumulatorScale: (Int) -> Float) throws -> Tensor? {
        var real: [Double]
        if let dq = producer {
            guard dq.inputs.count >= 2, let bq = inits[dq.inputs[0]], bq.dtype == .int32, bq.count == channels,
                  let bs = inits[dq.inputs[1]] else { return nil }
            let bz = dq.inputs.count > 2 && !dq.inputs[2].isEmpty ? inits[dq.inputs[2]] : nil
            if dq.inputs.count > 2 && !dq.inputs[2].isEmpty && bz == nil { return nil }
            let p = try QuantParams.read(scale: bs, zero: bz, dtype: .int32, channels: channels, what: "bias")
            let values = bq.scalars(as: Int32.self)
            if (0..<channels).allSatisfy({ p.scale($0) == accumulatorScale($0) && p.zeroPoint($0) == 0 }) {
                return try Tensor(values, shape: [channels])
            }
            real = (0..<channels).map { Double(Int64(values[$0]) - Int64(p.zeroPoint($0))) * Double(p.scale($0)) }
        } else {
            guard let b = inits[name], b.dtype == .float32, b.count == channels else { return nil }
            real = try b.floatValues().map(Double.init)
        }
        let limit = Double(Int32.max) / 2 // leave room for the accumulator (edge_qkernels.h)
        var out = [Int32](repeating: 0, count: channels)
        for c in 0..<channels {
            let v = (real[c] / Double(accumulatorScale(c))).rounded(.toNearestOrEven)
            guard v.isFinite, abs(v) <= limit else { return nil }
            out[c] = Int32(v)
        }
        return try Tensor(out, shape: [channels])
    }

    /// [N, K] → [K, N] copy of an 8-bit matrix.
    static func transposed(_ t: Tensor) -> Tensor {
        let n = t.shape[0], k = t.shape[1]
        let out = try! Tensor(zeros: t.dtype, shape: [k, n])
        let src = t.storage.bytes.assumingMemoryBound(to: UInt8.self), dst = out.storage.bytes.assumingMemoryBound(to: UInt8.self)
        for r in 0..<n { for c in 0..<k { dst[c * n + r] = src[r * k + c] } }
        return out
    }
}

/// Fresh value names for nodes and initializers a pass creates.
struct NameSource {
    private var used: Set<String>

    init(_ graph: Graph) {
        used = Set(graph.initializers.keys)
        used.formUnion(graph.inputs.map(\.name))
        used.formUnion(graph.outputs.map(\.name))
        for node in graph.nodes {
            used.formUnion(node.inputs)
            used.formUnion(node.outputs)
        }
    }

    mutating func fresh(_ base: String) -> String {
        var name = base, i = 1
        while used.contains(name) {
            name = "\(base)_\(i)"
            i += 1
        }
        used.insert(name)
        return name
    }
}
