import EdgeRuntime

/// Rewrites one node of an older opset into the form the engine runs (opset-21 semantics).
///
/// Most rewrites move attributes that later opsets turned into inputs (Pad's `pads`, Clip's
/// bounds, Squeeze/Unsqueeze/Reduce* `axes`, Split's `split`, Slice's ranges, TopK's `k`) into
/// new constant initializers; a few change the op (Upsample → Resize, Dropout → Identity) or
/// add the internal `coerce_2d` attribute (legacy Softmax). docs/ONNX.md has the full table.
struct OpsetTranslator {
    /// The model's default-domain opset version.
    let opset: Int
    /// Ranks known before execution (declared inputs, initializers, value_info), used by the
    /// legacy-broadcast rewrite.
    var ranks: [String: Int] = [:]
    /// Constant initializers created by rewrites.
    private(set) var constants: [String: Tensor] = [:]
    /// Every value and node name in the model, so created names never collide.
    private var usedNames = Set<String>()

    init(opset: Int) { self.opset = opset }

    /// Records names and ranks the model already uses.
    mutating func noteKnownNames(graph: Graph, proto: Onnx_GraphProto) {
        for (name, t) in graph.initializers { ranks[name] = t.shape.count }
        for info in graph.inputs { if let s = info.shape { ranks[info.name] = s.count } }
        usedNames.formUnion(graph.initializers.keys)
        usedNames.formUnion(proto.input.map(\.name))
        usedNames.formUnion(proto.output.map(\.name))
        for node in proto.node {
            usedNames.formUnion(node.input)
            usedNames.formUnion(node.output)
            usedNames.insert(node.name)
        }
    }

    /// A name based on `base` that nothing in the model uses yet.
    mutating func freshName(_ base: String) -> String {
        var name = base
        var i = 1
        while usedNames.contains(name) {
            name = "\(base)_\(i)"
            i += 1
        }
        usedNames.insert(name)
        return name
    }

    /// Adds a constant initializer for `node` and returns its name.
    mutating func constant(_ tensor: Tensor, for node: Node, _ role: String) -> String {
        let name = freshName("\(node.name)__\(role)")
        constants[name] = tensor
        ranks[name] = tensor.shape.count
        return name
    }

    /// The nodes that replace `node` (usually just the node, rewritten).
    mutating func translate(_ original: Node) throws(EdgeError) -> [Node] {
        var node = original
        switch node.op {
        case "Pad" where opset < 11:
            guard node.attributes.has("pads") else { throw EdgeError(.invalidModel, "\(node.label) has no 'pads' attribute") }
            try moveInts("pads", toInput: 1, of: &node)
            if let value = try node.attributes.float("value") {
                node.attributes["value"] = nil
                // 0 is the default; leaving it out keeps non-float32 inputs valid.
                if value != 0 { setInput(2, to: constant(Tensor(scalar: value), for: node, "value"), of: &node) }
            }
        case "Clip" where opset < 11:
            for (attr, index) in [("min", 1), ("max", 2)] {
                guard let v = try node.attributes.float(attr) else { continue }
                node.attributes[attr] = nil
                setInput(index, to: constant(Tensor(scalar: v), for: node, attr), of: &node)
            }
        case "Squeeze" where opset < 13, "Unsqueeze" where opset < 13, "ReduceSum" where opset < 13:
            try moveInts("axes", toInput: 1, of: &node)
        case _ where Self.reduceOps.contains(node.op) && opset < 18:
            try moveInts("axes", toInput: 1, of: &node)
        case "Split":
            if opset < 13 { try moveInts("split", toInput: 1, of: &node) }
            let hasSplit = node.inputs.count > 1 && !node.inputs[1].isEmpty
            if opset < 18 && !hasSplit { node.attributes["num_outputs"] = .int(node.outputs.count) }
        case "Slice" where opset < 10:
            guard node.attributes.has("starts"), node.attributes.has("ends") else {
                throw EdgeError(.invalidModel, "\(node.label) needs 'starts' and 'ends' attributes")
            }
            try moveInts("starts", toInput: 1, of: &node)
            try moveInts("ends", toInput: 2, of: &node)
            try moveInts("axes", toInput: 3, of: &node)
        case "TopK" where opset < 10:
            guard let k = try node.attributes.int("k") else { throw EdgeError(.invalidModel, "\(node.label) has no 'k' attribute") }
            node.attributes["k"] = nil
            setInput(1, to: constant(try Tensor([Int64(k)], shape: [1]), for: node, "k"), of: &node)
        case "Softmax" where opset < 13, "LogSoftmax" where opset < 13, "Hardmax" where opset < 13:
            let axis = try node.attributes.int("axis", default: 1)
            node.attributes["axis"] = .int(axis)
            // Flattening at the last axis changes nothing, so the plain op is used when the
            // input's rank is known (simpler graph, and the exporter needs no Flatten/Reshape).
            let rank = node.inputs.first.flatMap { ranks[$0] }
            if let rank, axis == rank - 1 || axis == -1 { break }
            node.attributes["coerce_2d"] = .int(1)
        case "Upsample":
            return [try upsampleToResize(node)]
        case "ImageScaler":
            return try imageScalerToMulAdd(node)
        case "Resize" where opset == 10:
            node.inputs = [node.inputs.first ?? "", "", node.inputs.count > 1 ? node.inputs[1] : ""]
            setLegacyResizeModes(&node)
        case "BatchNormalization":
            if opset < 9, try node.attributes.int("spatial", default: 1) == 0 {
                throw EdgeError(.unsupported, "\(node.label): BatchNormalization with spatial = 0 is not supported")
            }
            if try node.attributes.int("training_mode", default: 0) != 0 {
                throw EdgeError(.unsupported, "\(node.label): BatchNormalization in training mode is not supported")
            }
            for legacy in ["spatial", "is_test", "training_mode"] { node.attributes[legacy] = nil }
            node.outputs = Array(node.outputs.prefix(1)) // running statistics: training only
        case "Scatter": // deprecated in opset 11; same semantics under its new name
            node.op = "ScatterElements"
        case "Dropout":
            return [Node(name: node.name, op: "Identity", inputs: Array(node.inputs.prefix(1)), outputs: Array(node.outputs.prefix(1)))]
        case "Gemm" where opset < 7:
            node.attributes["broadcast"] = nil
        case _ where Self.legacyBroadcastOps.contains(node.op) && opset < 7:
            return try legacyBroadcast(node)
        case "PRelu" where opset < 7:
            return try legacyPerChannelSlope(node)
        case "Cast":
            if case .string(let name)? = node.attributes["to"] {
                guard let code = Self.castTypeCodes[name.uppercased()] else {
                    throw EdgeError(.invalidModel, "\(node.label): unknown Cast target type '\(name)'")
                }
                node.attributes["to"] = .int(code)
            }
        default:
            break
        }
        return [node]
    }

    /// Reductions whose `axes` became an input in opset 18 (ReduceSum already in 13).
    static let reduceOps: Set<String> = [
        "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
        "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare",
    ]

    /// Cast-1 named its target type; later opsets use `TensorProto.DataType` codes.
    static let castTypeCodes: [String: Int] = [
        "FLOAT": 1, "UINT8": 2, "INT8": 3, "UINT16": 4, "INT16": 5, "INT32": 6, "INT64": 7,
        "STRING": 8, "BOOL": 9, "FLOAT16": 10, "DOUBLE": 11, "UINT32": 12, "UINT64": 13,
    ]

    /// Moves the int-list attribute `name` (if present) into input `index` as an int64 constant.
    mutating func moveInts(_ name: String, toInput index: Int, of node: inout Node) throws(EdgeError) {
        guard let values = try node.attributes.ints(name) else { return }
        node.attributes[name] = nil
        let tensor = try Tensor(values.map { Int64($0) }, shape: [values.count])
        setInput(index, to: constant(tensor, for: node, name), of: &node)
    }

    func setInput(_ index: Int, to value: String, of node: inout Node) {
        while node.inputs.count <= index { node.inputs.append("") }
        node.inputs[index] = value
    }
}
