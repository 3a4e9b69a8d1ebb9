import EdgeRuntime
import Foundation

/// Converts an `Onnx_GraphProto` into a `Graph`: initializers, declared inputs and outputs,
/// nodes with their attributes, `Constant` nodes folded into initializers, and every node
/// rewritten to opset-21 semantics by `OpsetTranslator`.
struct GraphReader {
    let opset: Int
    let tensors: TensorReader

    mutating func read(_ proto: Onnx_GraphProto) throws(EdgeError) -> Graph {
        var graph = Graph(name: proto.name.isEmpty ? "graph" : proto.name)
        guard proto.sparseInitializer.isEmpty else {
            throw EdgeError(.unsupported, "sparse initializers are not supported (\(proto.sparseInitializer.count) in graph '\(graph.name)')")
        }
        for t in proto.initializer {
            guard !t.name.isEmpty else { throw EdgeError(.invalidModel, "graph '\(graph.name)' has an initializer without a name") }
            guard graph.initializers[t.name] == nil else {
                throw EdgeError(.invalidModel, "initializer '\(t.name)' is defined twice")
            }
            graph.initializers[t.name] = try tensors.tensor(t)
        }
        // Before IR version 4 initializers had to be listed as inputs too; they are constants.
        var seenInputs = Set<String>()
        for info in proto.input where graph.initializers[info.name] == nil {
            guard seenInputs.insert(info.name).inserted else {
                throw EdgeError(.invalidModel, "graph input '\(info.name)' is declared twice")
            }
            graph.inputs.append(try Self.valueInfo(info, role: "graph input", typeRequired: true))
        }
        graph.outputs = try proto.output.map { (info) throws(EdgeError) in
            try Self.valueInfo(info, role: "graph output", typeRequired: false)
        }

        var translator = OpsetTranslator(opset: opset)
        translator.noteKnownNames(graph: graph, proto: proto)
        for info in proto.valueInfo + proto.output {
            if let shape = try? Self.valueInfo(info, role: "value", typeRequired: true).shape {
                translator.ranks[info.name] = shape.count
            }
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(proto.node.count)
        for (index, nodeProto) in proto.node.enumerated() { nodes.append(try node(nodeProto, index: index)) }
        // Constants first: rewrites (legacy broadcast) need their ranks wherever they appear.
        for node in nodes where node.op == "Constant" {
            try foldConstant(node, into: &graph)
            translator.ranks[node.outputs[0]] = graph.initializers[node.outputs[0]]?.shape.count
        }
        for var node in nodes where node.op != "Constant" {
            node.attributes["consumed_inputs"] = nil // legacy memory-reuse hint (opset < 7)
            graph.nodes += try translator.translate(node)
        }
        for (name, t) in translator.constants {
            graph.initializers[name] = t
        }
        return graph
    }

    /// One node with attributes converted; rejects nodes outside the default domain, except the
    /// ONNX Runtime contrib ops the engine implements (int4 weights, see `ONNXExporter.microsoftOps`).
    func node(_ proto: Onnx_NodeProto, index: Int) throws(EdgeError) -> Node {
        let name = proto.name.isEmpty ? "\(proto.opType)_\(index)" : proto.name
        guard !proto.opType.isEmpty else { throw EdgeError(.invalidModel, "node #\(index) ('\(name)') has no op_type") }
        let contrib = proto.domain == ONNXExporter.microsoftDomain && ONNXExporter.microsoftOps.contains(proto.opType)
        guard ONNXImporter.isDefaultDomain(proto.domain) || contrib else {
            throw EdgeError(.unsupportedOperator, "node '\(name)' uses operator \(proto.opType) of domain '\(proto.domain)'; only the default ONNX domain (ai.onnx) is supported")
        }
        var attributes: [String: Attribute] = [:]
        for a in proto.attribute {
            guard !a.name.isEmpty else { throw EdgeError(.invalidModel, "node '\(name)' has an attribute without a name") }
            guard attributes[a.name] == nil else {
                throw EdgeError(.invalidModel, "node '\(name)' sets attribute '\(a.name)' twice")
            }
            if let value = try attribute(a, node: name) { attributes[a.name] = value }
        }
        return Node(name: name, op: proto.opType, inputs: proto.input, outputs: proto.output, attributes: attributes)
    }

    /// An attribute value; nil for kinds the graph IR has no use for (subgraphs, type protos),
    /// whose nodes (If, Loop, Scan, …) are then reported as unsupported operators.
    func attribute(_ a: Onnx_AttributeProto, node: String) throws(EdgeError) -> Attribute? {
        guard !a.hasRefAttrName else {
            throw EdgeError(.invalidModel, "node '\(node)': attribute '\(a.name)' references a function attribute outside a function")
        }
        func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }
        func int(_ v: Int64) throws(EdgeError) -> Int {
            guard let i = Int(exactly: v) else { throw EdgeError(.invalidModel, "node '\(node)': attribute '\(a.name)' is out of range") }
            return i
        }
        // Old exporters leave `type` unset; infer it from the field that holds a value.
        var kind = a.type
        if !a.hasType || kind == .undefined {
            kind = a.hasF ? .float : a.hasI ? .int : a.hasS ? .string : a.hasT ? .tensor : a.hasG ? .graph
                : !a.floats.isEmpty ? .floats : !a.ints.isEmpty ? .ints : !a.strings.isEmpty ? .strings : .undefined
        }
        switch kind {
        case .float: return .float(a.f)
        case .int: return .int(try int(a.i))
        case .string: return .string(text(a.s))
        case .floats: return .floats(a.floats)
        case .ints:
            var values: [Int] = []
            values.reserveCapacity(a.ints.count)
            for v in a.ints { values.append(try int(v)) }
            return .ints(values)
        case .strings: return .strings(a.strings.map(text))
        case .tensor: return .tensor(try tensors.tensor(a.t))
        case .graph, .graphs, .typeProto, .typeProtos: return nil
        case .sparseTensor, .sparseTensors, .tensors:
            throw EdgeError(.unsupported, "node '\(node)': attribute '\(a.name)' of kind \(kind) is not supported")
        case .undefined:
            throw EdgeError(.invalidModel, "node '\(node)': attribute '\(a.name)' has no value")
        }
    }

    /// Turns a `Constant` node into an initializer named after its output.
    func foldConstant(_ node: Node, into graph: inout Graph) throws(EdgeError) {
        guard node.outputs.count == 1, let output = node.outputs.first, !output.isEmpty else {
            throw EdgeError(.invalidModel, "\(node.label) must have exactly one output")
        }
        guard graph.initializers[output] == nil, !graph.inputs.contains(where: { $0.name == output }) else {
            throw EdgeError(.invalidModel, "\(node.label) redefines value '\(output)'")
        }
        let a = node.attributes
        guard a.values.count == 1, let key = a.values.keys.first else {
            throw EdgeError(.invalidModel, "\(node.label) must have exactly one value attribute, has \(a.values.keys.sorted())")
        }
        let value: Tensor
        switch key {
        case "value": value = try a.tensor("value")!
        case "value_float": value = Tensor(scalar: try a.float("value_float")!)
        case "value_int": value = Tensor(scalar: Int64(try a.int("value_int")!))
        case "value_floats":
            let v = try a.floats("value_floats")!
            value = try Tensor(v, shape: [v.count])
        case "value_ints":
            let v = try a.ints("value_ints")!.map(Int64.init)
            value = try Tensor(v, shape: [v.count])
        default:
            throw EdgeError(.unsupported, "\(node.label): constant attribute '\(key)' is not supported")
        }
        graph.initializers[output] = value
    }

    /// A declared value: element type and dims (`dim_value`, or symbolic for `dim_param`/unset).
    static func valueInfo(_ proto: Onnx_ValueInfoProto, role: String, typeRequired: Bool) throws(EdgeError) -> ValueInfo {
        guard !proto.name.isEmpty else { throw EdgeError(.invalidModel, "a \(role) has no name") }
        let what = "\(role) '\(proto.name)'"
        guard proto.hasType, case .tensorType(let t)? = proto.type.value, t.hasElemType else {
            if proto.hasType, proto.type.value != nil, !isTensor(proto.type) {
                throw EdgeError(.unsupported, "\(what) is not a tensor (sequences, maps and optionals are not supported)")
            }
            guard !typeRequired else { throw EdgeError(.invalidModel, "\(what) has no tensor type") }
            return ValueInfo(name: proto.name, dtype: .float32, shape: nil)
        }
        let dtype = try ONNXTypes.dtype(t.elemType, of: what)
        guard t.hasShape else { return ValueInfo(name: proto.name, dtype: dtype, shape: nil) }
        var dims: [Dim] = []
        for d in t.shape.dim {
            switch d.value {
            case .dimValue(let v)?:
                guard v >= 0, v <= Int64(ShapeMath.maxElements) else {
                    throw EdgeError(.invalidModel, "\(what) has invalid dimension \(v)")
                }
                dims.append(.fixed(Int(v)))
            case .dimParam(let p)?: dims.append(.symbolic(p))
            case nil: dims.append(.symbolic(""))
            }
        }
        return ValueInfo(name: proto.name, dtype: dtype, shape: dims)
    }

    private static func isTensor(_ type: Onnx_TypeProto) -> Bool {
        if case .tensorType? = type.value { return true }
        return false
    }
}
