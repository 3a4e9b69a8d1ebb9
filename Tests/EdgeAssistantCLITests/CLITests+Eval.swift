import EdgeRuntime
import Foundation
import XCTest

/// `edge-assistant eval` on classifiers and `data calibration`, through the built binary.
extension CLITests {
    /// features [N, 3] → Gemm with the identity → logits [N, 3]: the predicted class is the
    /// arg-max of the row, so the expected accuracy can be read off the data.
    func writeIdentityClassifier() throws -> String {
        var g = Graph(name: "identity")
        g.inputs = [ValueInfo(name: "features", dtype: .float32, shape: [.symbolic("n"), .fixed(3)])]
        g.outputs = [ValueInfo(name: "logits", dtype: .float32, shape: [.symbolic("n"), .fixed(3)])]
        g.initializers["w"] = try Tensor([Float]([1, 0, 0, 0, 1, 0, 0, 0, 1]), shape: [3, 3])
        g.nodes = [Node(name: "fc", op: "Gemm", inputs: ["features", "w"], outputs: ["logits"])]
        let path = dir.appendingPathComponent("identity.edge").path
        try ModelFile.write(Model(graph: g, metadata: ModelMetadata(name: "identity", task: "speech-commands", labels: ["a", "b", "c"])), to: path)
        return path
    }

    func testEvalClassifierCountsAccuracyAndRecall() throws {
        let model = try writeIdentityClassifier()
        let split = dir.appendingPathComponent("split").path
        try FileManager.default.createDirectory(atPath: split, withIntermediateDirectories: true)
        // Predictions: 0, 1, 2, 1, 0 (row arg-max); labels 0, 1, 2, 2, 0 → 4 of 5 right; class c
        // recalls 1, 1, 0.5.
        let x: [Float] = [9, 0, 0, 0, 9, 0, 0, 0, 9, 1, 5, 2, 3, 1, 2]
        try Npy.write(try Tensor(x, shape: [5, 3]), path: split + "/features.npy")
        try Npy.write(try Tensor([Int64]([0, 1, 2, 2, 0]), shape: [5]), path: split + "/labels.npy")
        let (status, stdout, stderr) = try cli(["eval", model, "--data", split, "--batch", "2", "--json"])
        XCTAssertEqual(status, 0, stderr)
        let r = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        XCTAssertEqual(r?["rows"] as? Int, 5)
        XCTAssertEqual(r?["accuracy"] as? Double ?? -1, 0.8, accuracy: 1e-9)
        let recall = r?["recall"] as? [String: Double]
        XCTAssertEqual(recall?["a"] ?? -1, 1, accuracy: 1e-9)
        XCTAssertEqual(recall?["c"] ?? -1, 0.5, accuracy: 1e-9)

        // A label outside the model's classes and a count mismatch are errors, not results.
        try Npy.write(try Tensor([Int64]([0, 1, 2, 7, 0]), shape: [5]), path: split + "/labels.npy")
        let (badStatus, _, badError) = try cli(["eval", model, "--data", split])
        XCTAssertNotEqual(badStatus, 0)
        XCTAssertTrue(badError.contains("outside [0, 3)"), badError)
        try Npy.write(try Tensor([Int64]([0, 1]), shape: [2]), path: split + "/labels.npy")
        let (shortStatus, _, shortError) = try cli(["eval", model, "--data", split])
        XCTAssertNotEqual(shortStatus, 0)
        XCTAssertTrue(shortError.contains("does not match 2 labels"), shortError)
    }

    func testDataCalibrationCutsEvenlySpacedBatches() throws {
        let split = dir.appendingPathComponent("cal-split").path
        try FileManager.default.createDirectory(atPath: split, withIntermediateDirectories: true)
        try Npy.write(try Tensor((0..<20).map(Float.init), shape: [10, 2]), path: split + "/features.npy")
        let out = dir.appendingPathComponent("cal").path
        let (status, _, stderr) = try cli(["data", "calibration", "--from", split, "--input", "image", "--count", "3", "--batch", "2", "--out", out])
        XCTAssertEqual(status, 0, stderr)
        // Rows start at 0, 4 and 8 (evenly spaced over the 10 − 2 possible starts).
        for (i, row) in [0, 4, 8].enumerated() {
            let t = try Npy.read(path: "\(out)/image_\(i).npy")
            XCTAssertEqual(t.shape, [2, 2])
            XCTAssertEqual(t.scalars(as: Float.self), (row * 2..<row * 2 + 4).map(Float.init))
        }
        let (tooManyStatus, _, tooManyError) = try cli(["data", "calibration", "--from", split, "--batch", "11", "--out", out])
        XCTAssertNotEqual(tooManyStatus, 0)
        XCTAssertTrue(tooManyError.contains("fewer than --batch 11"), tooManyError)
    }

    /// --prune outside (0, 1) and --spec-augment on a task without log-mel input are refused
    /// before any data is read.
    func testTrainingRefusesBadPruneAndAugmentOptions() throws {
        let out = dir.appendingPathComponent("never.edge").path
        for (args, message) in [(["--prune", "1.5"], "--prune must be in (0, 1)"), (["--prune", "0"], "--prune must be in (0, 1)"),
                                (["--task", "recommendation", "--spec-augment"], "--spec-augment applies to --task speech only")] {
            let (status, _, stderr) = try cli(["train", "--data", "/nonexistent"] + args + ["-o", out])
            XCTAssertNotEqual(status, 0, "\(args)")
            XCTAssertTrue(stderr.contains(message), "\(args): \(stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
