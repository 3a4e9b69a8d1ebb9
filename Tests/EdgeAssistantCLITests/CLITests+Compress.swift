import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

/// `edge-assistant compress`: outputs, reports and error messages through the built binary.
extension CLITests {
    /// x[1, 4, 8, 8] → Conv 1×1 (4→16) + Relu → Conv 1×1 (16→8) → y.
    func writeConvModel() throws -> String {
        var rng = SeededRandom(seed: 51)
        var g = Graph(name: "convs")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(4), .fixed(8), .fixed(8)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["w1"] = rng.tensor([16, 4, 1, 1]); g.initializers["b1"] = rng.tensor([16])
        g.initializers["w2"] = rng.tensor([8, 16, 1, 1])
        g.nodes = [Node(name: "c1", op: "Conv", inputs: ["x", "w1", "b1"], outputs: ["h"], attributes: ["activation": .string("Relu")]),
                   Node(name: "c2", op: "Conv", inputs: ["h", "w2"], outputs: ["y"])]
        let path = dir.appendingPathComponent("convs.edge").path
        try ModelFile.write(Model(graph: g, metadata: ModelMetadata(name: "convs")), to: path)
        return path
    }

    func testCompressWritesModelAndReports() throws {
        let model = try writeConvModel()
        let evalDir = dir.appendingPathComponent("eval").path
        try FileManager.default.createDirectory(atPath: evalDir + "/0", withIntermediateDirectories: true)
        var rng = SeededRandom(seed: 52)
        try Npy.write(rng.tensor([1, 4, 8, 8]), path: evalDir + "/0/x.npy")
        let out = dir.appendingPathComponent("small.edge").path
        let (status, stdout, stderr) = try cli(["compress", model, "-o", out, "--method", "channel-prune+prune", "--ratio", "0.5",
                                                "--sparsity", "0.6", "--eval", evalDir, "--runs", "3"])
        XCTAssertEqual(status, 0, stderr)
        XCTAssertTrue(stdout.contains("agreement over 1 samples"), stdout)
        let json = dir.appendingPathComponent("small.report.json").path
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        for key in ["original", "compressed", "agreement", "steps", "method"] { XCTAssertNotNil(report?[key], "report lacks \(key)") }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("small.report.md").path))
        let written = try ModelFile.load(path: out)
        XCTAssertEqual(written.metadata.variant.method, "channel-prune+prune")
        XCTAssertEqual(written.graph.initializers["w1"]?.shape, [8, 4, 1, 1])
        XCTAssertNotNil(written.metadata.measured.accuracy["cosine_similarity"])
    }

    func testCompressBadInputsFailCleanly() throws {
        let model = try writeConvModel()
        let empty = dir.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let out = dir.appendingPathComponent("o.edge").path
        let cases: [([String], String)] = [
            (["compress", model, "-o", out, "--method", "quantize"], "unknown compression method 'quantize'"),
            (["compress", model, "-o", out, "--method", "channel-prune", "--ratio", "1.5"], "--ratio must be in (0, 1)"),
            (["compress", model, "-o", out, "--method", "prune", "--sparsity", "0"], "--sparsity must be in (0, 1)"),
            (["compress", model, "-o", out, "--method", "prune", "--sparsity", "0.5", "--eval", empty], "holds no samples"),
            (["compress", try writeModel(), "-o", out, "--method", "prune", "--sparsity", "0.5"], "nothing to prune"),
        ]
        try assertFailures(cases, output: out)
    }

    /// Each command fails (no crash) with a message containing the expected text, leaving no `output`.
    func assertFailures(_ cases: [([String], String)], output: String) throws {
        for (args, expected) in cases {
            let (status, stdout, stderr) = try cli(args)
            XCTAssertNotEqual(status, 0, "\(args) should fail")
            XCTAssertLessThan(status, 128, "\(args) crashed with signal \(status - 128)")
            XCTAssertTrue((stderr + stdout).contains(expected), "\(args): expected '\(expected)' in:\n\(stderr)\(stdout)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "failed runs must not leave an output")
    }
}
