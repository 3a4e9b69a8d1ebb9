import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

/// Runs the `edge-assistant` binary built next to the test bundle, as scripts and later issues
/// do, and checks the CLI contract: file names, JSON keys, exit codes and error messages.
final class CLITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("edge-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    var binary: URL {
        get throws {
            let candidates = [Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
            for c in candidates {
                let url = c.appendingPathComponent("edge-assistant")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
            throw XCTSkip("edge-assistant binary not found next to \(Bundle.main.bundleURL.path)")
        }
    }

    /// Runs the CLI; returns (exit status, stdout, stderr).
    func cli(_ args: [String]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = try binary
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// A model with an output name that needs sanitising: y = relu(x * w).
    func writeModel() throws -> String {
        var g = Graph(name: "cli")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.symbolic("n"), .fixed(3)])]
        g.outputs = [ValueInfo(name: "out/score:0", dtype: .float32, shape: nil)]
        g.initializers["w"] = try Tensor([1, -1, 2] as [Float], shape: [3])
        g.nodes = [Node(name: "mul", op: "Mul", inputs: ["x", "w"], outputs: ["m"]),
                   Node(name: "relu", op: "Relu", inputs: ["m"], outputs: ["out/score:0"])]
        let path = dir.appendingPathComponent("m.edge").path
        try ModelFile.write(Model(graph: g, metadata: ModelMetadata(name: "cli-test")), to: path)
        return path
    }

    func writeNpy(_ t: Tensor, _ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Npy.write(t, path: path)
        return path
    }

    func testRunWritesSanitisedOutputFiles() throws {
        let model = try writeModel()
        let x = try writeNpy(try Tensor([1, 2, 3, -1, -2, -3] as [Float], shape: [2, 3]), "x.npy")
        let outDir = dir.appendingPathComponent("out").path
        let (status, _, err) = try cli(["run", model, "--input", "x=\(x)", "--output-dir", outDir])
        XCTAssertEqual(status, 0, err)
        let y = try Npy.read(path: outDir + "/out_score_0.npy")
        XCTAssertEqual(y.shape, [2, 3])
        XCTAssertEqual(y.scalars(as: Float.self), [1, 0, 6, 0, 2, 0])
    }

    func testBenchPrintsTheContractedJSONKeys() throws {
        let (status, out, err) = try cli(["bench", try writeModel(), "--runs", "5", "--threads", "1", "--json"])
        XCTAssertEqual(status, 0, err)
        let json = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        for key in ["p50_ms", "p99_ms", "cpu_ms_per_run", "peak_rss_mb"] {
            XCTAssertNotNil(json?[key] as? Double, "missing \(key) in \(out)")
        }
    }

    func testInfoNamesInputsOutputsAndOps() throws {
        let (status, out, err) = try cli(["info", try writeModel()])
        XCTAssertEqual(status, 0, err)
        for fragment in ["input       x: float32[n, 3]", "output      out/score:0", "Mul×1", "Relu×1", "parameters  3", "macs"] {
            XCTAssertTrue(out.contains(fragment), "info lacks '\(fragment)':\n\(out)")
        }
    }

    func testExportThenImportRoundTrip() throws {
        let model = try writeModel()
        let onnx = dir.appendingPathComponent("m.onnx").path
        let back = dir.appendingPathComponent("back.edge").path
        XCTAssertEqual(try cli(["export", model, "-o", onnx]).0, 0)
        let (status, _, err) = try cli(["import", onnx, "-o", back])
        XCTAssertEqual(status, 0, err)
        let x = try writeNpy(try Tensor([3, 3, 3] as [Float], shape: [1, 3]), "x.npy")
        XCTAssertEqual(try cli(["run", back, "--input", "x=\(x)", "--output-dir", dir.appendingPathComponent("o").path]).0, 0)
        XCTAssertEqual(try Npy.read(path: dir.appendingPathComponent("o/out_score_0.npy").path).scalars(as: Float.self), [3, 0, 6])
    }

    /// Bad input: non-zero exit and a one-line error that names the problem; never a crash.
    func testBadInputsFailCleanly() throws {
        let model = try writeModel()
        let wrongShape = try writeNpy(try Tensor([1, 2] as [Float], shape: [1, 2]), "bad-shape.npy")
        let wrongType = try writeNpy(try Tensor([1, 2, 3] as [Int64], shape: [1, 3]), "bad-type.npy")
        let garbage = dir.appendingPathComponent("garbage.edge").path
        try Data("EDGEMODL and then nothing useful".utf8).write(to: URL(fileURLWithPath: garbage))
        let notNpy = dir.appendingPathComponent("not.npy").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notNpy))
        let out = dir.appendingPathComponent("o").path
        let cases: [([String], String)] = [
            (["run", model, "--input", "x=\(wrongShape)", "--output-dir", out], "invalid_input"),
            (["run", model, "--input", "x=\(wrongType)", "--output-dir", out], "invalid_input"),
            (["run", model, "--output-dir", out], "missing input 'x'"),
            (["run", model, "--input", "x=\(notNpy)", "--output-dir", out], "not a valid .npy"),
            (["run", model, "--input", "nonsense", "--output-dir", out], "NAME=FILE.npy"),
            (["info", garbage], "invalid_model"),
            (["info", dir.appendingPathComponent("missing.edge").path], "cannot open"),
            (["import", garbage, "-o", out + ".edge"], "invalid_model"),
        ]
        for (args, expected) in cases {
            let (status, stdout, stderr) = try cli(args)
            XCTAssertNotEqual(status, 0, "\(args) should fail")
            XCTAssertLessThan(status, 128, "\(args) crashed with signal \(status - 128)")
            XCTAssertTrue((stderr + stdout).contains(expected), "\(args): expected '\(expected)' in:\n\(stderr)\(stdout)")
        }
    }
}
