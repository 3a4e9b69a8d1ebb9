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
        print("QDQ CNN vs ONNX Runtime: fused max |diff| = \(d / step) steps, unfused \(du / step) steps (step \(step))")
    }
}
