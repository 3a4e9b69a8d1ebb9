import EdgeRuntime
import Foundation
import SwiftProtobuf

/// Writes a `Graph` as an ONNX model (opset 21, IR version 10) that ONNX Runtime and other
/// ONNX tools can run.
///
/// Initializers are stored as `raw_data`; declared inputs and outputs keep their element type
/// and dimensions (symbolic dimensions as `dim_param`). The engine's internal attributes are
/// first lowered to standard ONNX by `StandardForm` (fused activations become separate nodes,
/// `coerce_2d` Softmax becomes Flatten → Softmax → Reshape).
///
/// ```swift
/// let bytes = try ONNXExporter.encode(graph)
/// try Data(bytes).write(to: URL(fileURLWithPath: "model.onnx"))
/// ```
public enum ONNXExporter {
    /// Default-domain operator set version written (the engine's op semantics).
    public static let opsetVersion = 21
    /// ONNX IR version written (IR 10 pairs with opset 21).
    public static let irVersion = 10
    /// Ops written in ONNX Runtime's contrib domain (int4 weights: `compress --method int4`).
    static let microsoftOps: Set<String> = ["MatMulNBits", "GatherBlockQuantized"]
    static let microsoftDomain = "com.microsoft"

    /// Serialized ONNX model bytes.
    public static func encode(_ graph: Graph) throws(EdgeError) -> [UInt8] {
        let proto = try model(graph)
        do {
            return try proto.serializedBytes()
        } catch {
            throw EdgeError(.tooLarge, "cannot serialize ONNX model '\(graph.name)': \(error)")
        }
    }

    /// The ONNX model as a protobuf message (for callers that want to add metadata).
    public static func model(_ graph: Graph) throws(EdgeError) -> Onnx_ModelProto {
        let standard = try StandardForm.lower(graph)
        var g = Onnx_GraphProto()
        g.name = standard.name
        g.input = standard.runtimeInputs.map(valueInfo)
        g.output = completedOutputs(graph).map(valueInfo)
        g.initializer = standard.initializers.keys.sorted().map { tensor(standard.initializers[$0]!, name: $0) }
        g.node = standard.nodes.map(node)

        var model = Onnx_ModelProto()
        model.irVersion = Int64(irVersion)
        model.producerName = "edge-assistant"
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(opsetVersion)
        model.opsetImport = [opset]
        if standard.nodes.contains(where: { microsoftOps.contains($0.op) }) {
            var contrib = Onnx_OperatorSetIdProto()
            contrib.domain = microsoftDomain
            contrib.version = 1
            model.opsetImport.append(contrib)
        }
        model.graph = g
        return model
    }

    /// A tensor with its bytes in `raw_data` (little-endian, as the engine stores them).
    static func tensor(_ t: Tensor, name: String) -> Onnx_TensorProto {
        var p = Onnx_TensorProto()
        p.name = name
        p.dataType = Int32(t.dtype.rawValue)
        p.dims = t.shape.map { Int64($0) }
        p.rawData = Data(bytes: t.rawPointer, count: t.byteCount)
        return p
    }

    static func valueInfo(_ info: ValueInfo) -> Onnx_ValueInfoProto {
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(info.dtype.rawValue)
        if let shape = info.shape {
            var s = Onnx_TensorShapeProto()
            s.dim = shape.map { dim in
                var d = Onnx_TensorShapeProto.Dimension()
                switch dim {
                case .fixed(let v): d.dimValue = Int64(v)
                case .symbolic(let name) where !name.isEmpty: d.dimParam = name
                case .symbolic: break
                }
                return d
            }
            tensorType.shape = s
        }
        var p = Onnx_ValueInfoProto()
        p.name = info.name
        p.type.tensorType = tensorType
        return p
    }

    static func node(_ node: Node) -> Onnx_NodeProto {
        var p = Onnx_NodeProto()
        p.name = node.name
        p.opType = node.op
        if microsoftOps.contains(node.op) { p.domain = microsoftDomain }
        p.input = node.inputs
        p.output = node.outputs
        p.attribute = node.attributes.values.keys.sorted().map { attribute(node.attributes.values[$0]!, name: $0) }
        return p
    }

    static func attribute(_ value: Attribute, name: String) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        switch value {
        case .int(let v): a.type = .int; a.i = Int64(v)
        case .float(let v): a.type = .float; a.f = v
        case .string(let v): a.type = .string; a.s = Data(v.utf8)
        case .ints(let v): a.type = .ints; a.ints = v.map { Int64($0) }
        case .floats(let v): a.type = .floats; a.floats = v
        case .strings(let v): a.type = .strings; a.strings = v.map { Data($0.utf8) }
        case .tensor(let t): a.type = .tensor; a.t = tensor(t, name: "")
        }
        return a
    }
}
