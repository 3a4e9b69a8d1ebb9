import EdgeONNX
import EdgeRuntime
import Foundation
import SwiftProtobuf
import XCTest

/// Builds small ONNX models with the generated protobuf types, so importer tests state the
/// exact bytes a given exporter (or attacker) would write.
enum ONNXModelBuilder {
    static func model(opset: Int, nodes: [Onnx_NodeProto], inputs: [(String, DType, [Int])],
                      outputs: [String], initializers: [Onnx_TensorProto] = [], irVersion: Int64 = 7,
                      domain: String = "") -> Onnx_ModelProto {
        var g = Onnx_GraphProto()
        g.name = "test"
        g.node = nodes
        g.input = inputs.map { valueInfo($0.0, $0.1, $0.2) }
        g.output = outputs.map { valueInfo($0, .float32, nil) }
        g.initializer = initializers
        var m = Onnx_ModelProto()
        m.irVersion = irVersion
        var op = Onnx_OperatorSetIdProto()
        op.domain = domain
        op.version = Int64(opset)
        m.opsetImport = [op]
        m.graph = g
        return m
    }

    static func valueInfo(_ name: String, _ dtype: DType, _ shape: [Int]?) -> Onnx_ValueInfoProto {
        var t = Onnx_TypeProto.Tensor()
        t.elemType = Int32(dtype.rawValue)
        if let shape {
            var s = Onnx_TensorShapeProto()
            s.dim = shape.map { v in
                var d = Onnx_TensorShapeProto.Dimension()
                d.dimValue = Int64(v)
                return d
            }
            t.shape = s
        }
        var v = Onnx_ValueInfoProto()
        v.name = name
        v.type.tensorType = t
        return v
    }

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "",
                     domain: String = "", _ attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.opType = op
        n.input = inputs
        n.output = outputs
        n.name = name.isEmpty ? "\(op)_\(outputs.first ?? "")" : name
        n.domain = domain
        n.attribute = attributes
        return n
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values.map { Int64($0) }
        return a
    }

    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = value
        return a
    }

    static func floats(_ name: String, _ values: [Float]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .floats
        a.floats = values
        return a
    }

    static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .string
        a.s = Data(value.utf8)
        return a
    }

    static func tensorAttribute(_ name: String, _ t: Onnx_TensorProto) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .tensor
        a.t = t
        return a
    }

    /// A float32 tensor with its values in `raw_data`.
    static func floatTensor(_ name: String, _ values: [Float], _ shape: [Int]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dataType = Int32(DType.float32.rawValue)
        t.dims = shape.map { Int64($0) }
        t.rawData = values.withUnsafeBytes { Data($0) }
        return t
    }

    static func bytes(_ model: Onnx_ModelProto) -> Data {
        try! model.serializedBytes()
    }

    static func importModel(_ model: Onnx_ModelProto, checkOperators: Bool = true) throws -> Graph {
        try ONNXImporter.decode(bytes(model), baseDirectory: nil, checkOperators: checkOperators)
    }

    /// Skips the calling test when the runtime does not implement `ops` yet (they are written
    /// in parallel); the structural checks before the call still ran.
    static func requireOps(_ ops: [String]) throws {
        let missing = ops.filter { OpRegistry.definition(for: $0) == nil }
        if !missing.isEmpty { throw XCTSkip("runtime does not implement \(missing.joined(separator: ", ")) yet") }
    }

    /// Runs a graph on named inputs and returns its first output.
    static func run(_ graph: Graph, _ feeds: [String: Tensor]) throws -> Tensor {
        let session = try InferenceSession(graph: graph, options: SessionOptions(optimize: false))
        return try session.run(feeds)[graph.outputs[0].name]!
    }
}

/// Asserts that `body` throws an `EdgeError`; returns it for further checks.
@discardableResult
func assertEdgeError(_ what: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> EdgeError? {
    do {
        try body()
        XCTFail("\(what): expected an EdgeError, nothing was thrown", file: file, line: line)
    } catch let error as EdgeError {
        return error
    } catch {
        XCTFail("\(what): expected an EdgeError, got \(error)", file: file, line: line)
    }
    return nil
}
