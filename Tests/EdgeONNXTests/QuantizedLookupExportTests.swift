import EdgeONNX
import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

/// QLookup (QDQLookup's internal op) exports as the standard DequantizeLinear → op → QuantizeLinear
/// triple it replaced, and the re-imported model gives the same bytes.
final class QuantizedLookupExportTests: XCTestCase {
    func testLookupExportsAsTheOriginalTriple() throws {
        let cases: [(String, [String: Attribute], [Tensor?])] = [
            ("HardSigmoid", ["alpha": .float(0.2), "beta": .float(0.5)], []),
            ("Clip", [:], [Tensor(scalar: Float(-0.5)), Tensor(scalar: Float(0.9))]),
            ("LeakyRelu", ["alpha": .float(0.05)], []),
        ]
        for (op, attributes, extra) in cases {
            let graph = try QDQLookupGraph.make(op: op, attributes: attributes, extra: extra, xType: .int8, yType: .uint8)
            let optimized = try GraphOptimizer.optimize(graph)
            XCTAssertEqual(optimized.nodes.map(\.op), ["QLookup"])
            let reloaded = try ONNXImporter.decode(Data(try ONNXExporter.encode(optimized)), baseDirectory: nil)
            XCTAssertEqual(reloaded.nodes.map(\.op), ["DequantizeLinear", op, "QuantizeLinear"], op)
            XCTAssertFalse(reloaded.nodes[1].attributes.has("lookup_op"))
            XCTAssertEqual(reloaded.initializers.count, graph.initializers.count, "the table is not exported")
            let x = try QDQLookupGraph.input(.int8, seed: 3)
            let want = try InferenceSession(graph: graph, options: SessionOptions(optimize: false)).run([x])[0]
            let got = try InferenceSession(graph: reloaded, options: SessionOptions(optimize: false)).run([x])[0]
            XCTAssertEqual(QDQLookupGraph.bytes(got), QDQLookupGraph.bytes(want), op)
        }
    }

    /// Quantized HardSwish as ONNX Runtime writes it (float in, float out) optimizes to QLookup +
    /// QMul, exports back to QDQ, and ONNX Runtime runs the export to our result (within one
    /// output step: ORT may fuse the QDQ nodes into its own int8 kernels).
    func testExportedLookupAndMulRunInONNXRuntime() throws {
        var g = Graph(name: "qdq-hardswish")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(2), .fixed(3), .fixed(9), .fixed(11)])]
        g.initializers = ["s": Tensor(scalar: Float(0.025)), "z": Tensor(scalar: UInt8(128)),
                          "hs": Tensor(scalar: Float(1.0 / 255)), "hz": Tensor(scalar: UInt8(0))]
        g.nodes = [
            Node(name: "q0", op: "QuantizeLinear", inputs: ["x", "s", "z"], outputs: ["xq"]),
            Node(name: "dq0", op: "DequantizeLinear", inputs: ["xq", "s", "z"], outputs: ["xf"]),
            Node(name: "hsig", op: "HardSigmoid", inputs: ["xf"], outputs: ["h"], attributes: ["alpha": .float(1.0 / 6), "beta": .float(0.5)]),
            Node(name: "q1", op: "QuantizeLinear", inputs: ["h", "hs", "hz"], outputs: ["hq"]),
            Node(name: "dq1", op: "DequantizeLinear", inputs: ["hq", "hs", "hz"], outputs: ["hf"]),
            Node(name: "mul", op: "Mul", inputs: ["xf", "hf"], outputs: ["m"]),
            Node(name: "q2", op: "QuantizeLinear", inputs: ["m", "s", "z"], outputs: ["mq"]),
            Node(name: "dq2", op: "DequantizeLinear", inputs: ["mq", "s", "z"], outputs: ["y"]),
        ]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        let optimized = try GraphOptimizer.optimize(g)
        XCTAssertEqual(optimized.nodes.map(\.op), ["QuantizeLinear", "QLookup", "QMul", "DequantizeLinear"])
        var rng = SeededRandom(seed: 4)
        let x = rng.tensor([2, 3, 9, 11], -3.5, 3.5)
        let ours = try InferenceSession(graph: optimized).run([x])[0]
        XCTAssertEqual(try ours.floatValues(), try InferenceSession(graph: g, options: SessionOptions(optimize: false)).run([x])[0].floatValues())
        let ort = try PythonRunner.runExportInORT(optimized, x: x, checkModel: true)
        let d = maxDifference(ort, ours).abs
        XCTAssertLessThanOrEqual(d, 0.025 * 1.001, "ORT on the export vs ours: \(d)")
    }
}
