import EdgeRuntime

/// Standard ONNX for the engine's extensions of QLinearConv / QLinearMatMul (written by
/// `QDQFusion`), in the QDQ form ONNX Runtime fuses back into its own int8 kernels.
extension Lowering {
    /// The replacement nodes, or nil when `node` is already standard.
    mutating func lowerQuantized(_ original: Node) throws(EdgeError) -> [Node]? {
        var node = original
        let activation = try node.attributes.string("activation") ?? ""
        let hasBias = node.op == "QLinearMatMul" && node.inputs.count > 8 && !node.inputs[8].isEmpty
        guard !activation.isEmpty || hasBias else { return nil }
        guard node.inputs.count >= 8, let output = node.outputs.first else {
            throw EdgeError(.invalidGraph, "\(node.label) needs 8 inputs and an output")
        }
        let (yScale, yZero) = (node.inputs[6], node.inputs[7])
        var nodes: [Node] = []
        var value: String
        if hasBias {
            // y = Q(act(DQ(a) · DQ(b) + DQ(bias; a_scale · b_scale))): ORT fuses this back.
            let a = fresh("\(node.name)__a"), b = fresh("\(node.name)__b"), product = fresh("\(node.name)__matmul")
            let bias = fresh("\(node.name)__bias"), sum = fresh("\(node.name)__sum")
            nodes.append(Node(name: fresh("\(node.name)__dq_a"), op: "DequantizeLinear", inputs: Array(node.inputs[0..<3]), outputs: [a]))
            nodes.append(Node(name: fresh("\(node.name)__dq_b"), op: "DequantizeLinear", inputs: Array(node.inputs[3..<6]), outputs: [b],
                              attributes: ["axis": .int(1)]))
            nodes.append(Node(name: fresh("\(node.name)__mm"), op: "MatMul", inputs: [a, b], outputs: [product]))
            let biasScale = constant(try accumulatorScale(node), node, "bias_scale")
            nodes.append(Node(name: fresh("\(node.name)__dq_bias"), op: "DequantizeLinear", inputs: [node.inputs[8], biasScale],
                              outputs: [bias], attributes: ["axis": .int(0)]))
            nodes.append(Node(name: fresh("\(node.name)__add"), op: "Add", inputs: [product, bias], outputs: [sum]))
            value = sum
        } else {
            // The clamp a fused Relu/Clip applies is exactly Q(act(DQ(y))).
            for key in ["activation", "activation_alpha", "activation_beta"] { node.attributes[key] = nil }
            let raw = fresh("\(output)__pre_activation")
            node.outputs[0] = raw
            value = fresh("\(output)__dequantized")
            nodes.append(node)
            nodes.append(Node(name: fresh("\(node.name)__dq"), op: "DequantizeLinear", inputs: [raw, yScale, yZero], outputs: [value]))
        }
        if !activation.isEmpty {
            var actHost = Node(name: node.name, op: "Identity", inputs: [value], outputs: [fresh("\(output)__activated")])
            for key in ["activation", "activation_alpha", "activation_beta"] { actHost.attributes[key] = original.attributes[key] }
            // Reuse the generic lowering: Identity + activation → Identity, act node.
            let lowered = try lower(actHost)
            nodes += lowered.dropFirst()
            value = lowered.last!.outputs[0]
            nodes[nodes.count - 1].inputs[0] = lowered[0].inputs[0]
        }
        nodes.append(Node(name: fresh("\(node.name)__q"), op: "QuantizeLinear", inputs: [value, yScale, yZero], outputs: [output]))
        return nodes
    }

    /// a_scale · b_scale[n] (the int32 bias's scale), per column.
    private func accumulatorScale(_ node: Node) throws(EdgeError) -> Tensor {
        guard let a = initializers[node.inputs[1]], let b = initializers[node.inputs[4]], a.dtype == .float32, b.dtype == .float32 else {
            throw EdgeError(.unsupported, "\(node.label): exporting a biased QLinearMatMul needs constant scales")
        }
        let sa = a.scalars(as: Float.self)[0]
        let sb = b.scalars(as: Float.self)
        return try Tensor(sb.map { sa * $0 }, shape: sb.count == 1 ? [] : [sb.count])
    }
}

extension Lowering {
    /// QLookup (written by `QDQLookup`) → the DequantizeLinear → float op → QuantizeLinear triple it
    /// replaced, from the parameters and the float op (`lookup_op`, its attributes and extra
    /// inputs) it keeps; the table itself is dropped.
    mutating func lowerLookup(_ node: Node) throws(EdgeError) -> [Node] {
        guard node.inputs.count >= 6, let output = node.outputs.first, let op = try node.attributes.string("lookup_op"), !op.isEmpty else {
            throw EdgeError(.invalidGraph, "\(node.label) needs 6 inputs, an output and a lookup_op attribute")
        }
        var attributes = node.attributes.values
        attributes["lookup_op"] = nil
        initializers[node.inputs[1]] = nil
        let dequantized = fresh("\(output)__dequantized"), result = fresh("\(output)__float")
        return [
            Node(name: fresh("\(node.name)__dq"), op: "DequantizeLinear", inputs: [node.inputs[0], node.inputs[2], node.inputs[3]],
                 outputs: [dequantized]),
            Node(name: node.name, op: op, inputs: [dequantized] + node.inputs.dropFirst(6), outputs: [result], attributes: attributes),
            Node(name: fresh("\(node.name)__q"), op: "QuantizeLinear", inputs: [result, node.inputs[4], node.inputs[5]], outputs: [output]),
        ]
    }
}

extension Lowering {
    /// QMul (written by `QDQMul`) → DequantizeLinear(a), DequantizeLinear(b) → Mul → QuantizeLinear.
    mutating func lowerQMul(_ node: Node) throws(EdgeError) -> [Node] {
        guard node.inputs.count == 8, let output = node.outputs.first else {
            throw EdgeError(.invalidGraph, "\(node.label) needs 8 inputs and an output")
        }
        let a = fresh("\(output)__a"), b = fresh("\(output)__b"), product = fresh("\(output)__product")
        return [
            Node(name: fresh("\(node.name)__dq_a"), op: "DequantizeLinear", inputs: Array(node.inputs[0..<3]), outputs: [a]),
            Node(name: fresh("\(node.name)__dq_b"), op: "DequantizeLinear", inputs: Array(node.inputs[3..<6]), outputs: [b]),
            Node(name: node.name, op: "Mul", inputs: [a, b], outputs: [product]),
            Node(name: fresh("\(node.name)__q"), op: "QuantizeLinear", inputs: [product, node.inputs[6], node.inputs[7]], outputs: [output]),
        ]
    }

    /// DynamicQMatMul(x, w_q, w_scale[, bias]) → DynamicQuantizeLinear(x) → DequantizeLinear,
    /// DequantizeLinear(w_q, w_scale, 0; axis 1) → MatMul [→ Add(bias)].
    mutating func lowerDynamicQMatMul(_ node: Node) throws(EdgeError) -> [Node] {
        guard node.inputs.count >= 3, let output = node.outputs.first, initializers[node.inputs[1]] != nil,
              let s = initializers[node.inputs[2]] else {
            throw EdgeError(.invalidGraph, "\(node.label) needs x, constant w and w_scale")
        }
        let xq = fresh("\(node.name)__xq"), xs = fresh("\(node.name)__xs"), xz = fresh("\(node.name)__xz")
        let x = fresh("\(node.name)__x"), wf = fresh("\(node.name)__w")
        let zeros = constant(try Tensor([Int8](repeating: 0, count: s.count), shape: s.shape), node, "w_zero")
        let hasBias = node.inputs.count > 3 && !node.inputs[3].isEmpty
        let product = hasBias ? fresh("\(node.name)__matmul") : output
        var nodes = [
            Node(name: fresh("\(node.name)__dynq"), op: "DynamicQuantizeLinear", inputs: [node.inputs[0]], outputs: [xq, xs, xz]),
            Node(name: fresh("\(node.name)__dq_x"), op: "DequantizeLinear", inputs: [xq, xs, xz], outputs: [x]),
            Node(name: fresh("\(node.name)__dq_w"), op: "DequantizeLinear", inputs: [node.inputs[1], node.inputs[2], zeros], outputs: [wf],
                 attributes: s.count > 1 ? ["axis": .int(1)] : [:]),
            Node(name: fresh("\(node.name)__mm"), op: "MatMul", inputs: [x, wf], outputs: [product]),
        ]
        if hasBias {
            nodes.append(Node(name: fresh("\(node.name)__add"), op: "Add", inputs: [product, node.inputs[3]], outputs: [output]))
        }
        return nodes
    }
}
