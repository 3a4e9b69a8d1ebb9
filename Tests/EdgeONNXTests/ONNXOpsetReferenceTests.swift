import EdgeONNX
import EdgeRuntime
import Foundation
import XCTest

/// Opset translation checked against an independent implementation: Tests/ONNXOpsetCases/
/// make_cases.py writes old-opset models (Pad-6, Clip-6, Squeeze-11, Reduce*-13, Split-11/13,
/// Slice-9, TopK-9, Softmax-family < 13, Upsample-7/9, Resize-10, BatchNorm-7, Dropout, Cast-6,
/// Scatter-9) with ONNX Runtime's outputs, which ONNX Runtime computes with its native
/// old-opset kernels. Each is imported, run and compared like a conformance case
/// (rtol 1e-3, atol 1e-4); cases using ops the runtime lacks are skipped and listed.
/// (ONNX Runtime has no opset-6 Add/Mul/PRelu/Gemm kernels; those translations are covered
/// by the PyTorch backend data in `ONNXConformanceTests` and by `ONNXImporterTests`.)
final class ONNXOpsetReferenceTests: XCTestCase {
    func testTranslatedOldOpsetsMatchONNXRuntime() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ONNXOpsetCases/make_cases.py")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-opsets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try PythonRunner.run([script.path, dir.path])
        let cases = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertGreaterThan(cases.count, 30, "the generator should write the old-opset cases")
        var passed = 0
        var skipped: [String] = []
        for name in cases {
            switch ONNXConformanceTests.run(case: dir.appendingPathComponent(name)) {
            case .passed: passed += 1
            case .skipped(let ops): skipped.append("\(name) (\(ops.sorted().joined(separator: ", ")))")
            case .failed(let why): XCTFail("\(name): \(why)")
            }
        }
        print("ONNX opset translation vs ONNX Runtime: \(passed) passed, \(cases.count - passed - skipped.count) failed, \(skipped.count) skipped: \(skipped.joined(separator: "; "))")
    }
}
