import EdgeRuntime

/// One node (or Conv/Gemm/MatMul with its private Relu/Clip) that int8 PTQ can quantize, with the
/// activation tensors around it that then get QuantizeLinear/DequantizeLinear.
struct QuantizableLayer: Sendable {
    enum Kind: Sendable, Equatable {
        /// Conv/Gemm/MatMul with a constant weight: int8 weights, int32 bias, fused by QDQFusion.
        case weighted(WeightLayout)
        /// An op whose QDQ form the engine runs (lookup table, QMul) or that ONNX Runtime also
        /// quantizes (pools, Add, Concat): only its activations get QDQ.
        case activationOnly
    }

    var name: String
    var op: String
    var kind: Kind
    var node: Int
    /// Index of the Relu/Clip that the int8 layer fuses (its output is the layer's output).
    var activation: Int?
    var inputs: [String]
    var output: String
}

/// Where the output channels of a constant weight lie and how bias correction maps its elements.
struct WeightLayout: Sendable, Equatable {
    var weight: String
    /// Input index of the bias (2 for Conv and Gemm), nil for MatMul (no bias input).
    var biasInput: Int?
    /// Axis of the weight along which output channels run.
    var axis: Int
    /// Axis of the layer input along which its channels run (1: NCHW; −1: last).
    var inputAxis: Int
    var groups = 1

    /// (output channel, input channel) of weight element `i` of a weight of `shape`.
    func channels(of i: Int, shape: [Int]) -> (out: Int, in: Int) {
        if shape.count >= 3 { // Conv [Co, Ci/g, k…]
            let spatial = shape[2...].reduce(1, *), cig = shape[1]
            let o = i / (cig * spatial), j = (i / spatial) % cig
            return (o, (o / max(shape[0] / groups, 1)) * cig + j)
        }
        return axis == 0 ? (i / shape[1], i % shape[1]) : (i % shape[1], i / shape[1])
    }
}

enum QuantizableLayers {
    /// Unary element-wise ops whose DequantizeLinear → op → QuantizeLinear the engine turns into
    /// a 256-entry QLookup.
    static let lookupOps: Set<String> = ["HardSigmoid", "Sigmoid", "Tanh", "HardSwish", "Relu", "LeakyRelu", "Clip", "Elu", "Gelu", "Softplus"]
    /// Ops quantized on their activations only (QDQ float islands, as ONNX Runtime writes them).
    static let islandOps: Set<String> = ["Mul", "Add", "GlobalAveragePool", "AveragePool", "MaxPool", "Concat"]

    /// The layers of `graph` (activations already split off, see `ActivationSplit`).
    static func find(_ graph: Graph) -> [QuantizableLayer] {
        let index = GraphIndex(graph)
        var taken = Set<Int>()
        var layers: [QuantizableLayer] = []
        for (i, node) in graph.nodes.enumerated() where !taken.contains(i) && node.outputs.count >= 1 {
            if let layout = weightLayout(node, index) {
                var layer = QuantizableLayer(name: node.name, op: node.op, kind: .weighted(layout), node: i, activation: nil,
                                             inputs: [node.inputs[0]], output: node.outputs[0])
                if let a = index.soleConsumer(of: node.outputs[0]), ["Relu", "Clip"].contains(graph.nodes[a].op),
                   clipBoundsConstant(graph.nodes[a], graph) {
                    layer.activation = a
                    layer.output = graph.nodes[a].outputs[0]
                    taken.insert(a)
                }
                layers.append(layer)
            } else if lookupOps.contains(node.op) || islandOps.contains(node.op) {
                let data = node.op == "Clip" ? Array(node.inputs.prefix(1)) : node.inputs
                guard !data.isEmpty, data.allSatisfy({ !$0.isEmpty && graph.initializers[$0] == nil }),
                      node.op != "Clip" || clipBoundsConstant(node, graph) else { continue }
                layers.append(QuantizableLayer(name: node.name, op: node.op, kind: .activationOnly, node: i, activation: nil,
                                               inputs: data, output: node.outputs[0]))
            }
        }
        return layers
    }

    /// The weight layout of a Conv/Gemm/MatMul the int8 layers can run (constant private
    /// weight, Gemm without transA/alpha/beta), else nil.
    static func weightLayout(_ node: Node, _ index: GraphIndex) -> WeightLayout? {
        guard node.inputs.count >= 2, !node.inputs[0].isEmpty, index.graph.initializers[node.inputs[0]] == nil,
              let w = index.privateWeight(node, 1) else { return nil }
        if node.inputs.count > 2, !node.inputs[2].isEmpty, index.privateWeight(node, 2) == nil { return nil }
        let name = node.inputs[1]
        switch node.op {
        case "Conv":
            guard w.rank >= 3, let g = intAttribute(node, "group", 1), g >= 1 else { return nil }
            return WeightLayout(weight: name, biasInput: 2, axis: 0, inputAxis: 1, groups: g)
        case "Gemm":
            guard w.rank == 2, intAttribute(node, "transA", 0) == 0, (try? node.attributes.float("alpha", default: 1)) == 1,
                  (try? node.attributes.float("beta", default: 1)) == 1, let tb = intAttribute(node, "transB", 0) else { return nil }
            return WeightLayout(weight: name, biasInput: 2, axis: tb != 0 ? 0 : 1, inputAxis: -1)
        case "MatMul":
            guard w.rank == 2, node.inputs.count == 2 else { return nil }
            return WeightLayout(weight: name, biasInput: nil, axis: 1, inputAxis: -1)
        default:
            return nil
        }
    }

    private static func clipBoundsConstant(_ node: Node, _ graph: Graph) -> Bool {
        node.op != "Clip" || node.inputs.dropFirst().allSatisfy { $0.isEmpty || graph.initializers[$0] != nil }
    }
}

/// Splits activations that `GraphOptimizer` fused into Conv/Gemm/MatMul (`activation`
/// attributes) back into their own nodes, so quantization sees the float graph's structure
/// (ONNX Runtime's QDQ places the output QuantizeLinear after the activation).
enum ActivationSplit {
    static func apply(_ graph: Graph) throws(EdgeError) -> Graph {
        var g = graph
        var names = Names(graph)
        var nodes: [Node] = []
        for var node in graph.nodes {
            guard let act = try node.attributes.string("activation"), !act.isEmpty else { nodes.append(node); continue }
            let alpha = try node.attributes.float("activation_alpha", default: 0)
            let beta = try node.attributes.float("activation_beta", default: 0)
            for key in ["activation", "activation_alpha", "activation_beta"] { node.attributes[key] = nil }
            let out = node.outputs[0], pre = names.fresh("\(out)_pre_act")
            node.outputs[0] = pre
            var a = Node(name: names.fresh("\(node.name)_\(act)"), op: act, inputs: [pre], outputs: [out])
            switch act {
            case "LeakyRelu": a.attributes["alpha"] = .float(alpha)
            case "HardSigmoid": a.attributes["alpha"] = .float(alpha); a.attributes["beta"] = .float(beta)
            case "Clip":
                for (v, role) in [(alpha, "min"), (beta, "max")] {
                    guard abs(v) < Float.greatestFiniteMagnitude else { a.inputs.append(""); continue }
                    let c = names.fresh("\(node.name)_clip_\(role)")
                    g.initializers[c] = Tensor(scalar: v)
                    a.inputs.append(c)
                }
            default: break
            }
            nodes += [node, a]
        }
        g.nodes = nodes
        return g
    }
}

/// Fresh value and node names for nodes a quantization pass creates.
struct Names {
    private var used: Set<String>

    init(_ graph: Graph) {
        used = Set(graph.initializers.keys).union(graph.inputs.map(\.name)).union(graph.outputs.map(\.name))
        for node in graph.nodes { used.formUnion(node.inputs + node.outputs + [node.name]) }
    }

    mutating func fresh(_ base: String) -> String {
        var name = base, i = 1
        while used.contains(name) { name = "\(base)_\(i)"; i += 1 }
        used.insert(name)
        return name
    }
}
