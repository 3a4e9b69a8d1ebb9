import EdgeRuntime

/// Lowers the engine's internal graph extensions back to standard opset-21 ONNX:
///
/// | internal form                                   | standard ONNX                                  |
/// |-------------------------------------------------|------------------------------------------------|
/// | Conv/ConvTranspose/Gemm/MatMul + `activation`   | the op, then a Relu/Clip/LeakyRelu/… node       |
/// | Softmax/LogSoftmax/Hardmax + `coerce_2d = 1`    | Flatten(axis) → op(axis 1) → Reshape(Shape(x))  |
/// | QLinearConv + `activation`                      | QLinearConv → DequantizeLinear → act → Quantize |
/// | QLinearMatMul + bias (#8) and/or `activation`   | QDQ: DQ(a), DQ(b) → MatMul → Add → act → Q      |
/// | QLookup (`lookup_op` + its attributes/inputs)   | DequantizeLinear → lookup_op → QuantizeLinear   |
/// | QMul                                            | DQ(a), DQ(b) → Mul → QuantizeLinear             |
/// | DynamicQMatMul                                  | DynamicQuantizeLinear → DQ, DQ(w) → MatMul [→ Add] |
enum StandardForm {
    static func lower(_ graph: Graph) throws(EdgeError) -> Graph {
        var names = Set(graph.initializers.keys)
        names.formUnion(graph.inputs.map(\.name))
        names.formUnion(graph.outputs.map(\.name))
        for node in graph.nodes {
            names.formUnion(node.inputs)
            names.formUnion(node.outputs)
            names.insert(node.name)
        }
        var lowering = Lowering(names: names, initializers: graph.initializers)
        var result = graph
        result.nodes = []
        for node in graph.nodes {
            result.nodes += try lowering.lower(node)
        }
        result.initializers = lowering.initializers
        return result
    }
}

struct Lowering {
    var names: Set<String>
    var initializers: [String: Tensor]

    mutating func fresh(_ base: String) -> String {
        var name = base
        var i = 1
        while names.contains(name) {
            name = "\(base)_\(i)"
            i += 1
        }
        names.insert(name)
        return name
    }

    mutating func lower(_ original: Node) throws(EdgeError) -> [Node] {
        var node = original
        let a = node.attributes
        if let coerce = try a.int("coerce_2d") {
            node.attributes["coerce_2d"] = nil
            if coerce != 0 { return try unflattenSoftmax(node) }
        }
        if node.op == "QLookup" { return try lowerLookup(node) }
        if node.op == "QMul" { return try lowerQMul(node) }
        if node.op == "DynamicQMatMul" { return try lowerDynamicQMatMul(node) }
        if node.op == "QLinearConv" || node.op == "QLinearMatMul", let lowered = try lowerQuantized(node) { return lowered }
        guard let activation = try a.string("activation") else { return [node] }
        let alpha = try a.float("activation_alpha", default: 0)
        let beta = try a.float("activation_beta", default: 0)
        for key in ["activation", "activation_alpha", "activation_beta"] { node.attributes[key] = nil }
        guard !activation.isEmpty else { return [node] }
        guard let output = node.outputs.first, !output.isEmpty else {
            throw EdgeError(.invalidGraph, "\(node.label) has a fused activation but no output")
        }
        let preActivation = fresh("\(output)__pre_activation")
        node.outputs[0] = preActivation
        var act = Node(name: fresh("\(node.name)__\(activation)"), op: activation, inputs: [preActivation], outputs: [output])
        switch activation {
        case "Relu", "Sigmoid", "Tanh", "HardSwish":
            break
        case "LeakyRelu":
            act.attributes["alpha"] = .float(alpha)
        case "HardSigmoid":
            act.attributes["alpha"] = .float(alpha)
            act.attributes["beta"] = .float(beta)
        case "Clip":
            // Unbounded sides are stored as ±greatestFiniteMagnitude; leave them out.
            let low = alpha > -Float.greatestFiniteMagnitude ? constant(Tensor(scalar: alpha), node, "clip_min") : ""
            let high = beta < Float.greatestFiniteMagnitude ? constant(Tensor(scalar: beta), node, "clip_max") : ""
            act.inputs += [low, high]
        default:
            throw EdgeError(.unsupported, "\(node.label): fused activation '\(activation)' has no ONNX equivalent")
        }
        return [node, act]
    }

    /// Opset < 13 Softmax semantics: flatten to 2-D at `axis`, normalise rows, restore shape.
    mutating func unflattenSoftmax(_ node: Node) throws(EdgeError) -> [Node] {
        guard let x = node.inputs.first, !x.isEmpty, let output = node.outputs.first else {
            throw EdgeError(.invalidGraph, "\(node.label) needs one input and one output")
        }
        let axis = try node.attributes.int("axis", default: 1)
        let flat = fresh("\(x)__flat2d"), normalized = fresh("\(output)__2d"), shape = fresh("\(x)__shape")
        var core = node
        core.inputs = [flat]
        core.outputs = [normalized]
        core.attributes["axis"] = .int(1)
        return [
            Node(name: fresh("\(node.name)__flatten"), op: "Flatten", inputs: [x], outputs: [flat], attributes: ["axis": .int(axis)]),
            core,
            Node(name: fresh("\(node.name)__shape"), op: "Shape", inputs: [x], outputs: [shape]),
            Node(name: fresh("\(node.name)__reshape"), op: "Reshape", inputs: [normalized, shape], outputs: [output]),
        ]
    }

    mutating func constant(_ t: Tensor, _ node: Node, _ role: String) -> String {
        let name = fresh("\(node.name)__\(role)")
        initializers[name] = t
        return name
    }
}
