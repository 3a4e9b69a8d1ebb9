@testable import EdgeCompress
import EdgeRuntime
import EdgeTestSupport
import XCTest

/// `--method int8-dynamic`: int8 weights, activations quantized per call, fused into DynamicQMatMul.
final class DynamicQuantizationTests: XCTestCase {
    /// x[4, 64] → Gemm (64→96, transB, bias) + Relu → Gemm (96→48, no transB) → MatMul (48→10).
    static func mlp() -> Graph {
        var rng = SeededRandom(seed: 101)
        var g = Graph(name: "mlp")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(4), .fixed(64)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["w1"] = rng.tensor([96, 64]); g.initializers["b1"] = rng.tensor([96])
        g.initializers["w2"] = rng.tensor([96, 48]); g.initializers["b2"] = rng.tensor([48])
        g.initializers["w3"] = rng.tensor([48, 10])
        g.nodes = [
            Node(name: "fc1", op: "Gemm", inputs: ["x", "w1", "b1"], outputs: ["h1"], attributes: ["transB": .int(1)]),
            Node(name: "relu", op: "Relu", inputs: ["h1"], outputs: ["r1"]),
            Node(name: "fc2", op: "Gemm", inputs: ["r1", "w2", "b2"], outputs: ["h2"]),
            Node(name: "fc3", op: "MatMul", inputs: ["h2", "w3"], outputs: ["y"]),
        ]
        return g
    }

    func testDynamicInt8RunsOnInt8GEMMAndAgrees() throws {
        let float = try GraphOptimizer.optimize(Self.mlp())
        let result = try DynamicQuantization.apply(float, perChannel: true)
        XCTAssertEqual(result.changes.filter(\.changed).count, 3, "\(result.changes)")
        XCTAssertEqual(result.graph.nodes.filter { $0.op == "DynamicQuantizeLinear" }.count, 3)
        XCTAssertEqual(result.graph.initializers.values.filter { $0.dtype == .int8 && $0.shape.count == 2 }.count, 3)
        var rng = SeededRandom(seed: 102)
        let x = rng.tensor([4, 64])
        let session = try InferenceSession(graph: result.graph)
        let ops = try session.plan(for: [x]).stepOps
        XCTAssertEqual(ops.filter { $0 == "DynamicQMatMul" }.count, 3, "\(ops)")
        XCTAssertFalse(ops.contains("Gemm") || ops.contains("MatMul") || ops.contains("DynamicQuantizeLinear"), "\(ops)")
        let fused = try session.run([x])[0]
        let unfused = try InferenceSession(graph: result.graph, options: SessionOptions(optimize: false)).run([x])[0]
        let scale = try unfused.floatValues().map(abs).max()!
        XCTAssertLessThanOrEqual(maxDifference(fused, unfused).abs, 0.02 * scale, "fused vs unfused QDQ")
        let eval = EvalSet(samples: (0..<8).map { ("\($0)", ["x": rng.tensor([4, 64])]) })
        let a = try Agreement.measure(original: try InferenceSession(graph: float), compressed: session, on: eval)
        XCTAssertGreaterThanOrEqual(a.cosineSimilarity, 0.99, "\(a)")
        XCTAssertGreaterThanOrEqual(a.top1Agreement ?? 0, 0.9, "\(a)")
    }

    func testPerTensorAndUnsupportedLayers() throws {
        var g = Self.mlp()
        g.nodes[0].attributes["alpha"] = .float(0.5) // not an int8 layer: stays float, reported
        let result = try DynamicQuantization.apply(g, perChannel: false)
        XCTAssertTrue(result.changes.contains { $0.node == "fc1" && !$0.changed && $0.detail.hasPrefix("kept float") })
        XCTAssertTrue(result.changes.contains { $0.node == "fc3" && $0.changed && $0.detail.contains("per tensor") })
        var rng = SeededRandom(seed: 103)
        let x = rng.tensor([4, 64])
        let y = try InferenceSession(graph: result.graph).run([x])[0], want = try InferenceSession(graph: g).run([x])[0]
        XCTAssertLessThanOrEqual(maxDifference(y, want).abs, 0.05 * (try want.floatValues().map(abs).max()!))
    }
}
