import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

/// `eval` of a detector through the binary, on the contract detection graph whose output is
/// known exactly: class 0 scores σ(5) on all 16 cells of a 16×16 image and every cell's box is
/// the cell itself (4×4 px); the other classes score σ(−5) < the 0.05 threshold. So each image
/// yields 16 equal-score class-0 detections, in cell order (the decoder breaks ties by index).
extension CLITests {
    private func detectionFixture(boxes: [Float], rows: Int) throws -> (model: String, data: String) {
        let model = dir.appendingPathComponent("det.edge").path
        try ModelFile.write(Model(graph: try ContractModels.detectionGraph(),
                                  metadata: ModelMetadata(name: "det", task: "detection", labels: ContractModels.detectionLabels)), to: model)
        let data = dir.appendingPathComponent("split").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try Npy.write(try Tensor([Float](repeating: 0.5, count: 2 * 3 * 16 * 16), shape: [2, 3, 16, 16]), path: data + "/features.npy")
        try Npy.write(try Tensor(boxes, shape: [2, rows, 5]), path: data + "/boxes.npy")
        return (model, data)
    }

    func testEvalDetectorMAPByHand() throws {
        // Image 0: a class-0 box [4, 4, 8, 9.5] — IoU with cell 5's box [4, 4, 8, 8] is 16/22 =
        // 0.727: matched at IoU 0.50…0.70 (5 of 10 thresholds), by the 6th of 16 equal-score
        // detections (image 1's 16 all false positives, after image 0's), so precision is 1/6 at
        // recall 1 and AP = 1/6 at those thresholds, 0 at the others.
        // Image 1: a class-2 box nothing detects: AP 0. Classes 1, 3, 4 have no ground truth.
        // mAP@0.5 = (1/6 + 0)/2 = 1/12; mAP@0.5:0.95 = (5/10 · 1/6 + 0)/2 = 1/24.
        let (model, data) = try detectionFixture(boxes: [0, 4, 4, 8, 9.5, -1, 0, 0, 0, 0,
                                                         2, 0, 0, 8, 8, -1, 0, 0, 0, 0], rows: 2)
        for batch in ["1", "2"] {
            let r = try cli(["eval", model, "--data", data, "--batch", batch, "--json"])
            XCTAssertEqual(r.0, 0, r.2)
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.1.utf8)) as? [String: Any], r.1)
            XCTAssertEqual(json["images"] as? Int, 2)
            XCTAssertEqual(try XCTUnwrap(json["map_50"] as? Double), 1.0 / 12, accuracy: 1e-6)
            XCTAssertEqual(try XCTUnwrap(json["map_50_95"] as? Double), 1.0 / 24, accuracy: 1e-6)
            let ap = try XCTUnwrap(json["ap_50"] as? [String: Double])
            XCTAssertEqual(ap.keys.sorted(), ["stop_sign", "turn_right"])
            XCTAssertEqual(try XCTUnwrap(ap["stop_sign"]), 1.0 / 6, accuracy: 1e-6)
        }
        // A threshold above σ(5) leaves no detections: every AP is 0.
        let r = try cli(["eval", model, "--data", data, "--score-threshold", "0.999", "--json"])
        XCTAssertEqual(r.0, 0, r.2)
        XCTAssertTrue(r.1.contains("\"map_50\": 0.000000"), r.1)
    }

    func testEvalDetectorRejectsBadSplits() throws {
        // A box outside the 16×16 image, an unknown class, a shape that does not fit the images.
        for (boxes, rows, message) in [([Float](arrayLiteral: 0, 4, 4, 30, 9, 1, 0, 0, 4, 4), 1, "outside the 16×16 image"),
                                       ([7, 4, 4, 8, 9, 1, 0, 0, 4, 4], 1, "is outside [0, 5)")] {
            let (model, data) = try detectionFixture(boxes: boxes, rows: rows)
            let r = try cli(["eval", model, "--data", data])
            XCTAssertNotEqual(r.0, 0)
            XCTAssertTrue(r.2.contains(message), r.2)
        }
        let (model, data) = try detectionFixture(boxes: [Float](repeating: -1, count: 10), rows: 1)
        try FileManager.default.removeItem(atPath: data + "/boxes.npy")
        var r = try cli(["eval", model, "--data", data])
        XCTAssertNotEqual(r.0, 0)
        XCTAssertTrue(r.2.contains("boxes.npy"), r.2)
        try Npy.write(try Tensor([Float](repeating: -1, count: 15), shape: [3, 1, 5]), path: data + "/boxes.npy")
        r = try cli(["eval", model, "--data", data])
        XCTAssertTrue(r.2.contains("expected float32 [2, M, 5]"), r.2)
        // A model without heatmap/boxes outputs is not a detector.
        let speech = dir.appendingPathComponent("speech.edge").path
        try ModelFile.write(Model(graph: try ContractModels.speechGraph(), metadata: ModelMetadata(name: "s", task: "speech")), to: speech)
        r = try cli(["eval", speech, "--data", data, "--task", "detection"])
        XCTAssertNotEqual(r.0, 0)
        XCTAssertTrue(r.2.contains("not a detector"), r.2)
    }
}
