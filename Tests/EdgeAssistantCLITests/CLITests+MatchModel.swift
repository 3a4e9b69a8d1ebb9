import EdgeRuntime
import Foundation
import XCTest

/// The match-quality pipeline through the binary on a tiny data set: `data match` →
/// `data match-prep` → `train` (float32 labels as the simulator writes them) → `distill`
/// (binary soft targets) → `eval` (AUC, NDCG@10), and the errors of `eval` / `match-prep`.
extension CLITests {
    private func tinyMatchData() throws -> String {
        let out = dir.appendingPathComponent("mm").path
        let (status, _, stderr) = try cli(["data", "match", "--out", out, "--seed", "3", "--players", "80", "--matches", "1200"])
        XCTAssertEqual(status, 0, stderr)
        return out
    }

    func testMatchTrainDistillEval() throws {
        let d = try tinyMatchData()
        var r = try cli(["data", "match-prep", "--data", d, "--batch", "16", "--calibration", "4"])
        XCTAssertEqual(r.0, 0, r.2)
        XCTAssertEqual(try Npy.read(path: "\(d)/calibration/features_3.npy").shape, [16, 15])
        XCTAssertEqual(try Npy.read(path: "\(d)/request/categorical.npy").shape, [16, 8])
        let fit = try Npy.read(path: "\(d)/fit/labels.npy").shape[0], val = try Npy.read(path: "\(d)/val/labels.npy").shape[0]
        XCTAssertEqual(fit + val, try Npy.read(path: "\(d)/train/labels.npy").shape[0])
        XCTAssertEqual(try Npy.read(path: "\(d)/train/labels.npy").dtype, .float32)

        let common = ["--task", "recommendation", "--data", "\(d)/fit", "--val", "\(d)/val", "--epochs", "2", "--batch", "64", "--threads", "1"]
        r = try cli(["train"] + common + ["--width", "16", "-o", "\(d)/t.edge"])
        XCTAssertEqual(r.0, 0, r.2)
        // The tables cover the whole vocabulary (region_pair has 26 ids), not only the ids seen.
        XCTAssertTrue(r.1.contains("cardinalities=[6, 6, 26, 5, 5, 17, 6, 6]"), r.1)
        r = try cli(["distill", "--teacher", "\(d)/t.edge", "--student-arch", "ranker"] + common + ["--width", "8", "--alpha", "0.5", "--temperature", "2", "-o", "\(d)/s.edge"])
        XCTAssertEqual(r.0, 0, r.2)
        r = try cli(["eval", "\(d)/s.edge", "--data", "\(d)/test", "--json"])
        XCTAssertEqual(r.0, 0, r.2)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.1.utf8)) as? [String: Any])
        let auc = try XCTUnwrap(json["auc"] as? Double), ndcg = try XCTUnwrap(json["ndcg"] as? Double)
        XCTAssertTrue((0...1).contains(auc) && (0...1).contains(ndcg), r.1)
        XCTAssertEqual(json["rows"] as? Int, try Npy.read(path: "\(d)/test/labels.npy").shape[0])
    }

    func testEvalRefusesANonRankerAndBadData() throws {
        let d = try tinyMatchData()
        let notRanker = dir.appendingPathComponent("id.edge").path
        let g = Graph(inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(15)])],
                      outputs: [ValueInfo(name: "y", dtype: .float32, shape: [.fixed(1), .fixed(15)])],
                      nodes: [Node(name: "r", op: "Relu", inputs: ["x"], outputs: ["y"])])
        try ModelFile.write(Model(graph: g, metadata: ModelMetadata(name: "id")), to: notRanker)
        // No task in its metadata: eval cannot pick a metric and says how to choose one.
        var r = try cli(["eval", notRanker, "--data", "\(d)/test"])
        XCTAssertNotEqual(r.0, 0)
        XCTAssertTrue(r.2.contains("cannot evaluate task 'generic'"), r.2)
        r = try cli(["eval", notRanker, "--data", "\(d)/test", "--task", "recommendation"])
        XCTAssertNotEqual(r.0, 0)
        XCTAssertTrue(r.2.contains("not a match ranker"), r.2)
        r = try cli(["eval", notRanker, "--data", "\(d)/missing", "--task", "recommendation"])
        XCTAssertNotEqual(r.0, 0)
        XCTAssertTrue(r.2.contains("missing"), r.2)
        r = try cli(["data", "match-prep", "--data", d, "--val-fraction", "0.9"])
        XCTAssertNotEqual(r.0, 0)
        XCTAssertTrue(r.2.contains("--val-fraction"), r.2)
    }
}
