import EdgeONNX
import EdgeRuntime
import EdgeTestSupport
import Foundation
import SwiftProtobuf
import XCTest

private typealias B = ONNXModelBuilder

/// Export → import round trips must reproduce the original outputs exactly (same kernels,
/// same constants), and internal attributes must come out as standard ONNX nodes.
final class ONNXExporterTests: XCTestCase {
    private func roundTrip(_ graph: Graph) throws -> (Graph, Onnx_ModelProto) {
        let bytes = try ONNXExporter.encode(graph)
        let proto = try Onnx_ModelProto(serializedBytes: bytes)
        return (try ONNXImporter.decode(Data(bytes), baseDirectory: nil, checkOperators: false), proto)
    }

    private func assertSameOutputs(_ a: Graph, _ b: Graph, _ feeds: [String: Tensor], file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try InferenceSession(graph: a).run(feeds)
        let y = try InferenceSession(graph: b).run(feeds)
        XCTAssertEqual(Set(x.keys), Set(y.keys), file: file, line: line)
        for (name, t) in x {
            let u = try XCTUnwrap(y[name])
            XCTAssertEqual(t.shape, u.shape, file: file, line: line)
            XCTAssertTrue(allClose(t, u, rtol: 0, atol: 0), "output \(name) differs by \(maxDifference(t, u))", file: file, line: line)
        }
    }

    func testImportExportImportGivesIdenticalOutputs() throws {
        let nodes = [
            B.node("Mul", ["x", "w"], ["m"]),
            B.node("Add", ["m", "b"], ["a"], [B.int("broadcast", 1)]),
            B.node("Clip", ["a"], ["c"], [B.float("min", -0.5), B.float("max", 0.75)]),
            B.node("Tanh", ["c"], ["y"]),
        ]
        var rng = SeededRandom(seed: 5)
        let model = B.model(opset: 6, nodes: nodes, inputs: [("x", .float32, [2, 3])], outputs: ["y"],
                            initializers: [B.floatTensor("w", rng.tensor([3]).scalars(), [3]), B.floatTensor("b", [0.1, -0.2, 0.3], [3])])
        var imported = try B.importModel(model)
        imported.inputs[0].shape = [.symbolic("batch"), .fixed(3)]
        let (again, proto) = try roundTrip(imported)
        XCTAssertEqual(proto.irVersion, 10)
        XCTAssertEqual(proto.opsetImport.map(\.version), [21])
        XCTAssertTrue(proto.graph.initializer.allSatisfy(\.hasRawData))
        XCTAssertEqual(again.inputs, imported.inputs)
        XCTAssertEqual(Set(again.initializers.keys), Set(imported.initializers.keys))
        try assertSameOutputs(imported, again, ["x": rng.tensor([2, 3], -2, 2)])
        try assertSameOutputs(imported, again, ["x": rng.tensor([5, 3], -2, 2)])
    }

    func testFusedActivationBecomesSeparateNode() throws {
        var rng = SeededRandom(seed: 6)
        var graph = Graph(name: "fused", inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(2), .fixed(4)])],
                          outputs: [ValueInfo(name: "y", dtype: .float32, shape: [.fixed(2), .fixed(3)])])
        graph.initializers = ["w": rng.tensor([4, 3]), "c": rng.tensor([3])]
        graph.nodes = [Node(name: "gemm", op: "Gemm", inputs: ["x", "w", "c"], outputs: ["y"],
                            attributes: ["activation": .string("Clip"), "activation_alpha": .float(-0.25),
                                         "activation_beta": .float(0.5)])]
        let (again, proto) = try roundTrip(graph)
        XCTAssertEqual(proto.graph.node.map(\.opType), ["Gemm", "Clip"])
        XCTAssertFalse(proto.graph.node[0].attribute.contains { $0.name.hasPrefix("activation") })
        XCTAssertEqual(proto.graph.node[1].output, ["y"])
        XCTAssertEqual(again.nodes.map(\.op), ["Gemm", "Clip"])

        try B.requireOps(["Gemm"])
        try assertSameOutputs(graph, again, ["x": rng.tensor([2, 4], -2, 2)])
    }

    func testCoerce2DSoftmaxBecomesFlattenSoftmaxReshape() throws {
        let model = B.model(opset: 9, nodes: [B.node("LogSoftmax", ["x"], ["y"], [B.int("axis", 2)])],
                            inputs: [("x", .float32, [2, 3, 4, 5])], outputs: ["y"])
        let imported = try B.importModel(model, checkOperators: false)
        let (again, proto) = try roundTrip(imported)
        XCTAssertEqual(proto.graph.node.map(\.opType), ["Flatten", "LogSoftmax", "Shape", "Reshape"])
        XCTAssertFalse(proto.graph.node[1].attribute.contains { $0.name == "coerce_2d" })
        XCTAssertEqual(proto.graph.node[3].output, ["y"])

        try B.requireOps(["Flatten", "LogSoftmax", "Shape", "Reshape"])
        try assertSameOutputs(imported, again, ["x": randomTensor(seed: 7, [2, 3, 4, 5], -3, 3)])
    }

    func testUndeclaredOutputTypesAreFilledFromThePlan() throws {
        var graph = Graph(name: "untyped", inputs: [ValueInfo(name: "x", dtype: .int64, shape: [.fixed(2), .fixed(3)])],
                          outputs: [ValueInfo(name: "y", dtype: .float32, shape: nil)])
        graph.initializers = ["k": try Tensor([Int64(1), 2, 3], shape: [3])]
        graph.nodes = [Node(name: "add", op: "Add", inputs: ["x", "k"], outputs: ["y"])]
        let (_, proto) = try roundTrip(graph)
        let type = proto.graph.output[0].type.tensorType
        XCTAssertEqual(type.elemType, Int32(DType.int64.rawValue))
        XCTAssertEqual(type.shape.dim.map(\.dimValue), [2, 3])

        graph.inputs[0].shape = [.symbolic("batch"), .fixed(3)]
        let (_, symbolic) = try roundTrip(graph)
        XCTAssertEqual(symbolic.graph.output[0].type.tensorType.shape.dim.count, 2)
        XCTAssertEqual(symbolic.graph.output[0].type.tensorType.shape.dim.map(\.value), [nil, nil])
    }

    func testExportedTensorsKeepTheirBytesAndTypes() throws {
        var graph = Graph(name: "types", inputs: [ValueInfo(name: "x", dtype: .int64, shape: [.fixed(3)])],
                          outputs: [ValueInfo(name: "y", dtype: .int64, shape: [.fixed(3)])])
        graph.initializers = ["k": try Tensor([Int64(-5), 1 << 33, 7], shape: [3]), "h": try Tensor([UInt8(1), 255], shape: [2])]
        graph.nodes = [Node(name: "add", op: "Add", inputs: ["x", "k"], outputs: ["y"], attributes: ["note": .strings(["a", "b"])])]
        let (again, _) = try roundTrip(graph)
        XCTAssertEqual(again.initializers["k"]?.scalars(as: Int64.self), [-5, 1 << 33, 7])
        XCTAssertEqual(again.initializers["h"]?.scalars(as: UInt8.self), [1, 255])
        if case .strings(let s)? = again.nodes[0].attributes["note"] { XCTAssertEqual(s, ["a", "b"]) } else { XCTFail("attribute lost") }
        XCTAssertEqual(again.outputs[0].dtype, .int64)
    }
}

/// A reproducible random tensor with values in [lo, hi).
private func randomTensor(seed: UInt64, _ shape: [Int], _ lo: Float = -1, _ hi: Float = 1) -> Tensor {
    var rng = SeededRandom(seed: seed)
    return rng.tensor(shape, lo, hi)
}
