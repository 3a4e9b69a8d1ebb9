import XCTest
import EdgeRuntime
import EdgeTestSupport

/// QDQFusion on `QDQGraph`: the fused plan runs QLinearConv / QLinearMatMul with no float layer
/// or weight DequantizeLinear left, and agrees with the unfused (float QDQ) graph.
final class QuantizedFusionTests: XCTestCase {
    func testFusedPlanReplacesQDQLayers() throws {
        let graph = QDQGraph.make()
        var rng = SeededRandom(seed: 9)
        let x = rng.tensor(QDQGraph.inputShape, -1.2, 1.2)
        let fused = try InferenceSession(graph: graph)
        let ops = try fused.plan(for: [x]).stepOps
        XCTAssertEqual(ops.filter { $0 == "QLinearConv" }.count, 2, "\(ops)")
        XCTAssertEqual(ops.filter { $0 == "QLinearMatMul" }.count, 1, "\(ops)")
        for op in ["Conv", "Gemm", "Relu", "Clip"] { XCTAssertFalse(ops.contains(op), "\(op) left in \(ops)") }
        // DequantizeLinear remains only where precision changes: before GlobalAveragePool and the output.
        XCTAssertEqual(ops.filter { $0 == "DequantizeLinear" }.count, 2, "\(ops)")

        let unfused = try InferenceSession(graph: graph, options: SessionOptions(optimize: false))
        // Tolerance: each fused layer may round a value to the neighbouring level (integer vs float
        // accumulation, float bias rounded to int32); through three layers that stays within 2
        // output steps, and most outputs are identical.
        var identical = 0, total = 0
        for seed in 0..<8 {
            var r = SeededRandom(seed: UInt64(100 + seed))
            let input = r.tensor(QDQGraph.inputShape, -1.2, 1.2)
            let a = try fused.run([input])[0], b = try unfused.run([input])[0]
            XCTAssertEqual(a.shape, [1, 6])
            XCTAssertLessThanOrEqual(maxDifference(a, b).abs, 2 * QDQGraph.outputStep * 1.001, "seed \(seed)")
            let (av, bv) = (try a.floatValues(), try b.floatValues())
            identical += zip(av, bv).filter { $0 == $1 }.count
            total += av.count
        }
        XCTAssertGreaterThanOrEqual(Double(identical) / Double(total), 0.75, "\(identical) of \(total) identical")
    }

    func testUnfusableLayersKeepTheirQDQForm() throws {
        var graph = QDQGraph.make()
        // Asymmetric weight zero point: the int8 kernels cannot run it, so the layer stays float.
        graph.initializers["w1_z"] = try Tensor([Int8](repeating: 3, count: 8), shape: [8])
        var rng = SeededRandom(seed: 1)
        let x = rng.tensor(QDQGraph.inputShape)
        let session = try InferenceSession(graph: graph)
        let ops = try session.plan(for: [x]).stepOps
        XCTAssertTrue(ops.contains("Conv"), "\(ops)")
        XCTAssertEqual(ops.filter { $0 == "QLinearConv" }.count, 1, "\(ops)")
        let unfused = try InferenceSession(graph: graph, options: SessionOptions(optimize: false))
        XCTAssertLessThanOrEqual(maxDifference(try session.run([x])[0], try unfused.run([x])[0]).abs, 2 * QDQGraph.outputStep * 1.001)
    }
}
