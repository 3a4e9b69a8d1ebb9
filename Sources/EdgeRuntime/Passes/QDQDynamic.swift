/// Fuses the dynamic-quantization form `compress --method int8-dynamic` writes,
///
///     DynamicQuantizeLinear(x) → DequantizeLinear ─┐
///     DequantizeLinear(w_q int8 constant, symmetric) ┴─ MatMul / Gemm [+ float bias] ─► y
///
/// into one `DynamicQMatMul(x, w_q [K, N], w_scale, bias?)`: the activation's range is measured
/// and it is quantized to uint8 per call, then one int8 GEMM with float output. Results equal the
/// unfused graph up to float rounding (the kernel multiplies by 1/scale where QuantizeLinear
/// divides: at most one quantization step on an element of x). Gemm needs transA 0, alpha and
/// beta 1 and a 1-D bias; other forms keep their float QDQ execution.
enum QDQDynamic {
    static func apply(_ graph: Graph) throws(EdgeError) -> Graph {
        var g = graph
        let producerOf = Dictionary(graph.nodes.enumerated().flatMap { i, n in n.outputs.map { ($0, i) } }, uniquingKeysWith: { a, _ in a })
        var names = NameSource(graph)
        func producer(_ value: String, _ op: String) -> Node? {
            guard let p = producerOf[value], graph.nodes[p].op == op else { return nil }
            return graph.nodes[p]
        }
        for (i, layer) in graph.nodes.enumerated() where ["MatMul", "Gemm"].contains(layer.op) && layer.inputs.count >= 2 {
            guard try FusedActivation.attached(to: layer).kind == .none,
                  let dq = producer(layer.inputs[0], "DequantizeLinear"), dq.inputs.count == 3,
                  let dyn = producer(dq.inputs[0], "DynamicQuantizeLinear"), dyn.outputs == dq.inputs,
                  let wdq = producer(layer.inputs[1], "DequantizeLinear"), wdq.inputs.count == 3,
                  let w = g.initializers[wdq.inputs[0]], w.dtype == .int8, w.shape.count == 2,
                  let ws = g.initializers[wdq.inputs[1]], let wz = g.initializers[wdq.inputs[2]] else { continue }
            var transposed = false
            var bias = ""
            if layer.op == "Gemm" {
                guard try layer.attributes.int("transA", default: 0) == 0, try layer.attributes.float("alpha", default: 1) == 1,
                      try layer.attributes.float("beta", default: 1) == 1 else { continue }
                transposed = try layer.attributes.int("transB", default: 0) != 0
                if layer.inputs.count > 2, !layer.inputs[2].isEmpty {
                    guard let b = g.initializers[layer.inputs[2]], b.dtype == .float32, b.shape.count == 1 else { continue }
                    bias = layer.inputs[2]
                }
            }
            let n = w.shape[transposed ? 0 : 1]
            guard let p = try? QuantParams.read(scale: ws, zero: wz, dtype: .int8, channels: n, what: "w"),
                  p.zeroPoints.allSatisfy({ $0 == 0 }), bias.isEmpty || g.initializers[bias]!.count == n else { continue }
            if !p.isPerTensor {
                let axis = try wdq.attributes.int("axis", default: 1)
                guard axis == (transposed ? 0 : 1) || axis == (transposed ? -2 : -1) else { continue }
            }
            var weight = wdq.inputs[0]
            if transposed {
                weight = names.fresh("\(layer.name)/weight_kn")
                g.initializers[weight] = QDQFusion.transposed(w)
            }
            g.nodes[i] = Node(name: layer.name, op: "DynamicQMatMul", inputs: [dyn.inputs[0], weight, wdq.inputs[1]] + (bias.isEmpty ? [] : [bias]),
                              outputs: layer.outputs)
        }
        return g
    }
}
