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
}
