import EdgeRuntime

/// `--method int8-dynamic`: int8 weights (symmetric, per output channel or per tensor) for every
/// Gemm / MatMul with a constant weight; the activation is quantized per call from its own range:
///
///     x ─ DynamicQuantizeLinear ─(x_q, scale, zero)─ DequantizeLinear ─┐
///     w_q (int8) ─ DequantizeLinear(axis = output channel) ────────────┴─ Gemm / MatMul ─► y (float)
///
/// standard ONNX that ONNX Runtime runs; the engine's `QDQDynamic` pass fuses it into one
/// `DynamicQMatMul` on the int8 GEMM (u8 × s8 → float). Biases stay float. No calibration.
public enum DynamicQuantization {
    public static func apply(_ graph: Graph, perChannel: Bool) throws(EdgeError) -> StepResult {
        var g = try ActivationSplit.apply(graph)
        let index = GraphIndex(g)
        var names = Names(g)
        var changes: [LayerChange] = []
        var quantizedInputs: [String: String] = [:] // float input → its DequantizeLinear output
        var newNodes: [Node] = []
        for node in g.nodes {
            guard node.op == "Gemm" || node.op == "MatMul" else { newNodes.append(node); continue }
            guard let layout = QuantizableLayers.weightLayout(node, index) else {
                changes.append(LayerChange(node: node.name, op: node.op, detail: "kept float: weight not a private constant 2-D tensor (or Gemm with transA/alpha/beta)", changed: false))
                newNodes.append(node)
                continue
            }
            let w = g.initializers[layout.weight]!
            let q = QuantizedWeights((try? w.floatValues()) ?? [], shape: w.shape, axis: layout.axis, perChannel: perChannel)
            let (wv, ws, wz) = q.tensors
            let qname = names.fresh("\(layout.weight)_quantized")
            g.initializers[layout.weight] = nil
            g.initializers[qname] = wv
            newNodes.append(QDQBuilder.dequantize(qname, scale: ws, zero: wz, output: layout.weight, axis: layout.axis, &g, &names))
            var layer = node
            let x = node.inputs[0]
            if let dq = quantizedInputs[x] {
                layer.inputs[0] = dq
            } else {
                let xq = names.fresh("\(x)_quantized"), xs = names.fresh("\(x)_scale"), xz = names.fresh("\(x)_zero_point")
                let dq = names.fresh("\(x)_dequantized")
                newNodes.append(Node(name: names.fresh("\(x)_DynamicQuantizeLinear"), op: "DynamicQuantizeLinear", inputs: [x], outputs: [xq, xs, xz]))
                newNodes.append(Node(name: names.fresh("\(x)_DequantizeLinear"), op: "DequantizeLinear", inputs: [xq, xs, xz], outputs: [dq]))
                quantizedInputs[x] = dq
                layer.inputs[0] = dq
            }
            newNodes.append(layer)
            changes.append(LayerChange(node: node.name, op: node.op,
                                       detail: "int8 weights " + (perChannel ? "per channel" : "per tensor") + ", activations per call", changed: true))
        }
        g.nodes = newNodes
        return StepResult(graph: g, changes: changes)
    }
}
