import EdgeONNX
import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

/// A CNN quantized by ONNX Runtime's `quantize_static` (QDQ, per-channel int8 weights, uint8
/// activations; Tests/QuantizedModels/make_qdq_cnn.py) imported and run by us, compared with
/// ONNX Runtime on the same quantized model. Skipped without python3/onnx/onnxruntime.
final class QuantizedORTTests: XCTestCase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("QuantizedModels/make_qdq_cnn.py").path

    func testQDQModelMatchesONNXRuntime() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qdq-cnn-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try PythonRunner.run([Self.script, dir.path])
        let graph = try ONNXImporter.load(contentsOf: dir.appendingPathComponent("model_qdq.onnx"))
        let x = try Npy.read(path: dir.appendingPathComponent("input.npy").path)
        let expected = try Npy.read(path: dir.appendingPathComponent("ort_qdq.npy").path)
        let step = try Npy.read(path: dir.appendingPathComponent("ort_step.npy").path).floatValues()[0]
        XCTAssertGreaterThan(step, 0)

        let fused = try InferenceSession(graph: graph)
        let ops = try fused.plan(for: [x]).stepOps
        XCTAssertEqual(ops.filter { $0 == "QLinearConv" }.count, 4, "every Conv runs int8: \(ops)")
        XCTAssertEqual(ops.filter { $0 == "QLinearMatMul" }.count, 1, "the Gemm runs int8: \(ops)")
        XCTAssertFalse(ops.contains("Conv") || ops.contains("Gemm"), "\(ops)")
        let ours = try fused.run([x])[0]
        let unfused = try InferenceSession(graph: graph, options: SessionOptions(optimize: false)).run([x])[0]

        // Tolerance: ORT fuses the same QDQ layers into its int8 kernels, so the only expected
        // differences are float rounding in the float parts (Add, GlobalAveragePool) flipping a
        // value to the neighbouring quantization level: at most 2 output steps.
        let d = maxDifference(ours, expected).abs
        XCTAssertLessThanOrEqual(d, 2 * step * 1.001, "ours vs ORT: max |diff| \(d), output step \(step)")
        let du = maxDifference(unfused, expected).abs
        XCTAssertLessThanOrEqual(du, 2 * step * 1.001, "our unfused QDQ vs ORT: max |diff| \(du)")

        // Export of the fused graph (QLinearConv + fused clamp, biased QLinearMatMul lowered to
        // QDQ) runs in ONNX Runtime with the same result, within the same tolerance.
        let optimized = try GraphOptimizer.optimize(graph)
        XCTAssertTrue(optimized.nodes.contains { $0.op == "QLinearMatMul" && $0.inputs.count == 9 })
        let exported = dir.appendingPathComponent("exported.onnx")
        try Data(try ONNXExporter.encode(optimized)).write(to: exported)
        let runner = "import sys, numpy as np, onnxruntime as ort\n"
            + "s = ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])\n"
            + "np.save(sys.argv[3], s.run(None, {'image': np.load(sys.argv[2])})[0])\n"
        let ortOut = dir.appendingPathComponent("ort_exported.npy").path
        _ = try PythonRunner.run(["-c", runner, exported.path, dir.appendingPathComponent("input.npy").path, ortOut])
        let de = maxDifference(try Npy.read(path: ortOut), expected).abs
        XCTAssertLessThanOrEqual(de, 2 * step * 1.001, "ORT on our export vs ORT on the original: max |diff| \(de)")
        let reimported = try InferenceSession(graph: try ONNXImporter.load(contentsOf: exported)).run([x])[0]
        XCTAssertLessThanOrEqual(maxDifference(reimported, ours).abs, 2 * step * 1.001)
        print("QDQ CNN vs ONNX Runtime: fused max |diff| = \(d / step) steps, unfused \(du / step) steps (step \(step))")
    }

    /// Fused layers with a clamp (QLinearConv + Relu/Clip) and a biased, clamped QLinearMatMul
    /// export to standard ONNX that ONNX Runtime runs to our result (within 2 output steps: ORT
    /// re-fuses the QDQ MatMul + float bias its own way).
    func testExportedFusedGraphRunsInONNXRuntime() throws {
        let optimized = try GraphOptimizer.optimize(QDQGraph.make())
        XCTAssertTrue(optimized.nodes.contains { $0.op == "QLinearConv" && $0.attributes.has("activation") })
        var rng = SeededRandom(seed: 3)
        let x = rng.tensor(QDQGraph.inputShape, -1.2, 1.2)
        let ours = try InferenceSession(graph: optimized).run([x])[0]
        let ort = try PythonRunner.runExportInORT(optimized, x: x)
        let d = maxDifference(ort, ours).abs
        XCTAssertLessThanOrEqual(d, 2 * QDQGraph.outputStep * 1.001, "ORT on the export vs ours: \(d)")
    }
}
