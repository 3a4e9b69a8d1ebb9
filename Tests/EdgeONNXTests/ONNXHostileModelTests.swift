import EdgeONNX
import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

private typealias B = ONNXModelBuilder

/// Hostile or broken ONNX files: each must be rejected with an `EdgeError` naming the problem,
/// never a crash.
final class ONNXHostileModelTests: XCTestCase {
    private let good = B.model(opset: 13, nodes: [B.node("Relu", ["x"], ["y"])], inputs: [("x", .float32, [2])], outputs: ["y"])

    private func variant(_ change: (inout Onnx_ModelProto) -> Void) -> Onnx_ModelProto {
        var m = good
        change(&m)
        return m
    }

    func testCorruptBytesGiveErrors() {
        var rng = SeededRandom(seed: 9)
        let bytes = B.bytes(good)
        var cases: [(String, Data)] = [
            ("empty file", Data()),
            ("random bytes", Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) })),
            ("text file", Data("hello, this is not a model\n".utf8)),
        ]
        for cut in [1, 3, bytes.count / 2, bytes.count - 1] { cases.append(("truncated to \(cut)", bytes.prefix(cut))) }
        // Subgraphs nested 60 deep (graph → node → attribute → graph …) exceed the depth limit.
        var inner = Onnx_GraphProto()
        for _ in 0..<60 {
            var a = Onnx_AttributeProto()
            a.name = "body"
            a.type = .graph
            a.g = inner
            inner = Onnx_GraphProto()
            inner.node = [B.node("Loop", [], [], [a])]
        }
        var body = Onnx_AttributeProto()
        body.name = "body"
        body.type = .graph
        body.g = inner
        cases.append(("deep nesting", B.bytes(variant { $0.graph.node.append(B.node("Loop", [], ["z"], [body])) })))
        for (what, data) in cases {
            XCTAssertEqual(assertEdgeError(what) { _ = try ONNXImporter.decode(data, baseDirectory: nil) }?.code, .invalidModel, what)
        }
    }

    func testMalformedGraphsGiveErrors() {
        let cases: [(String, Onnx_ModelProto)] = [
            ("cycle", variant { $0.graph.node = [B.node("Relu", ["x", "b"], ["a"]), B.node("Relu", ["a"], ["b"]), B.node("Relu", ["b"], ["y"])] }),
            ("undefined value", variant { $0.graph.node = [B.node("Relu", ["ghost"], ["y"])] }),
            ("value produced twice", variant { $0.graph.node.append(B.node("Relu", ["x"], ["y"])) }),
            ("unknown node domain", variant { $0.graph.node[0].domain = "com.example" }),
            ("no default opset", variant { $0.opsetImport[0].domain = "ai.onnx.ml" }),
            ("opset 5", variant { $0.opsetImport[0].version = 5 }),
            ("opset 22", variant { $0.opsetImport[0].version = 22 }),
            ("negative dim", variant { $0.graph.input[0].type.tensorType.shape.dim[0].dimValue = -3 }),
            ("huge dim", variant { $0.graph.input[0].type.tensorType.shape.dim[0].dimValue = Int64.max }),
            ("no graph", variant { $0.clearGraph() }),
            ("sequence input", variant { $0.graph.input[0].type.sequenceType = Onnx_TypeProto.Sequence() }),
            ("empty op type", variant { $0.graph.node[0].opType = "" }),
            ("duplicate initializer", variant { $0.graph.initializer = [B.floatTensor("w", [1], [1]), B.floatTensor("w", [2], [1])] }),
            ("duplicate input", variant { $0.graph.input.append($0.graph.input[0]) }),
            ("duplicate attribute", variant { $0.graph.node[0].attribute = [B.int("k", 1), B.int("k", 2)] }),
            ("Constant with two values", variant {
                $0.graph.node.append(B.node("Constant", [], ["c"], [B.float("value_float", 1), B.int("value_int", 2)]))
            }),
            ("Constant redefining an input", variant { $0.graph.node.append(B.node("Constant", [], ["x"], [B.float("value_float", 1)])) }),
            ("Pad-6 without pads", B.model(opset: 6, nodes: [B.node("Pad", ["x"], ["y"], [B.string("mode", "constant")])],
                                           inputs: [("x", .float32, [2])], outputs: ["y"])),
            ("broadcast axis out of range", B.model(opset: 6, nodes: [B.node("Add", ["x", "x"], ["y"], [B.int("broadcast", 1), B.int("axis", 5)])],
                                                    inputs: [("x", .float32, [2])], outputs: ["y"])),
        ]
        for (what, model) in cases {
            let error = assertEdgeError(what) { _ = try ONNXImporter.decode(B.bytes(model), baseDirectory: nil) }
            XCTAssertFalse(error?.message.isEmpty ?? true, what)
        }
        XCTAssertEqual(assertEdgeError("cycle") { _ = try B.importModel(cases[0].1) }?.code, .invalidModel)
        XCTAssertEqual(assertEdgeError("domain") { _ = try B.importModel(cases[3].1) }?.code, .unsupportedOperator)
    }
}
