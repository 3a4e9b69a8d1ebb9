import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

/// `edge-assistant compress --method int8 | int8-dynamic | int4`: flags, outputs and errors.
extension CLITests {
    private func writeSamples(_ name: String, count: Int, shape: [Int] = [1, 4, 8, 8], seed: UInt64) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var rng = SeededRandom(seed: seed)
        for i in 0..<count { try Npy.write(rng.tensor(shape), path: "\(path)/x_\(i).npy") }
        return path
    }

    func testCompressInt8WritesQuantizedModelAndReport() throws {
        let model = try writeConvModel()
        let cal = try writeSamples("cal", count: 4, seed: 72), eval = try writeSamples("evalq", count: 4, seed: 73)
        let out = dir.appendingPathComponent("q.edge").path
        let (status, stdout, stderr) = try cli(["compress", model, "-o", out, "--method", "int8", "--calibration", cal,
                                                "--observer", "percentile", "--percentile", "99.9", "--bias-correction",
                                                "--max-drop", "0.05", "--eval", eval, "--runs", "2"])
        XCTAssertEqual(status, 0, stderr)
        XCTAssertTrue(stdout.contains("agreement over 4 samples"), stdout)
        let written = try ModelFile.load(path: out)
        XCTAssertEqual(written.metadata.variant.method, "int8")
        XCTAssertEqual(written.metadata.variant.parameters["observer"], "percentile(99.9)")
        XCTAssertGreaterThanOrEqual(written.metadata.measured.accuracy["cosine_similarity"] ?? 0, 0.95)
        XCTAssertTrue(written.graph.nodes.contains { $0.op == "QuantizeLinear" })
        XCTAssertTrue(written.graph.initializers.values.contains { $0.dtype == .int8 })
        let md = try String(contentsOfFile: dir.appendingPathComponent("q.report.md").path, encoding: .utf8)
        XCTAssertTrue(md.contains("all 2 layers int8: drop"), md)
        XCTAssertTrue(md.contains("int8 weights per channel"), md)
        // The written model runs (on the int8 kernels) from the CLI.
        let (runStatus, _, runErr) = try cli(["run", out, "--input", "x=\(eval)/x_0.npy", "--output-dir", dir.appendingPathComponent("qout").path])
        XCTAssertEqual(runStatus, 0, runErr)
    }

    func testCompressQuantizationBadInputsFailCleanly() throws {
        let model = try writeConvModel()
        let empty = dir.appendingPathComponent("emptycal").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let wrongShape = try writeSamples("wrongshape", count: 2, shape: [1, 4, 6, 6], seed: 74)
        let wrongName = dir.appendingPathComponent("wrongname").path
        try FileManager.default.createDirectory(atPath: wrongName, withIntermediateDirectories: true)
        try Npy.write(try Tensor(zeros: .float32, shape: [1, 4, 8, 8]), path: wrongName + "/image_0.npy")
        let good = try writeSamples("goodcal", count: 2, seed: 75)
        let out = dir.appendingPathComponent("bad.edge").path
        let base = ["compress", model, "-o", out]
        let cases: [([String], String)] = [
            (base + ["--method", "int8"], "int8 needs --calibration DIR"),
            (base + ["--method", "int8", "--calibration", dir.appendingPathComponent("nope").path], "is not a directory"),
            (base + ["--method", "int8", "--calibration", empty], "--calibration \(empty) holds no samples"),
            (base + ["--method", "int8", "--calibration", wrongName], "holds no samples"),
            (base + ["--method", "int8", "--calibration", wrongShape], "the model expects float32 [1, 4, 8, 8]"),
            (base + ["--method", "int8", "--calibration", good, "--observer", "median"], "--observer must be minmax, percentile, mse or entropy"),
            (base + ["--method", "int8", "--calibration", good, "--weights", "per-row"], "--weights must be per-channel or per-tensor"),
            (base + ["--method", "int8", "--calibration", good, "--activations", "int16"], "--activations must be uint8 or int8"),
            (base + ["--method", "int8", "--calibration", good, "--max-drop", "0.01"], "--max-drop needs --eval DIR"),
            (base + ["--method", "int8", "--calibration", good, "--max-drop", "2", "--eval", good], "--max-drop must be in [0, 1)"),
            (base + ["--method", "prune", "--sparsity", "0.5", "--calibration", good], "--calibration and --max-drop apply to --method int8 only"),
            (base + ["--method", "int4", "--group", "7"], "--group must be a power of two in 16…4096"),
        ]
        try assertFailures(cases, output: out)
    }
}
