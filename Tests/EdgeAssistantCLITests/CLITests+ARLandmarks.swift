import EdgeRuntime
import Foundation
import XCTest

/// The shipped `models/ar-landmarks/` family served by the daemon as it is in the repo: every
/// variant of its card loads, and `query detect` on a rendered street/indoor scene (PNG, as a
/// client would send it) gets the scene's landmarks back with labels and boxes in image pixels.
extension CLITests {
    static var repoModels: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("models").path
    }

    func testServeDetectsLandmarksWithTheShippedFamily() throws {
        let d = try shortDir()
        let family = Self.repoModels + "/ar-landmarks"
        XCTAssertTrue(FileManager.default.fileExists(atPath: family + "/card.json"), "models/ar-landmarks is not built")
        try FileManager.default.copyItem(atPath: family, toPath: d + "/models/ar-landmarks")
        // Fresh scenes: seed 77's train split is none of the shipped data's (seed 1) splits.
        var r = try cli(["data", "detection", "--out", d + "/scenes", "--seed", "77", "--count", "40", "--threads", "1"])
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/scenes/train/annotations.json"))) as? [String: Any]
        let annotations = try XCTUnwrap(truth?["annotations"] as? [[String: Any]], r.2)
        let sock = d + "/run/d.sock"
        let (p, err) = try launch(try binary.path, ["serve", "--socket", sock, "--models", d + "/models", "--state-dir", d + "/var"])
        guard try waitHealthy(sock) else {
            p.terminate()
            return XCTFail("daemon did not come up: \(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        }
        r = try cli(["query", "--socket", sock, "status"])
        XCTAssertTrue(r.1.contains("ar-landmarks"), r.1)
        // The large (≥ 24 px), mostly visible (≥ 70%) landmarks of the first 12 scenes are found — most of
        // them: a detection with their label at IoU ≥ 0.5, in the 128×128 image's pixels.
        var checked = 0, hits = 0
        for image in 0..<12 {
            let (code, out, _) = try cli(["query", "--socket", sock, "detect", String(format: "%@/scenes/train/images/%06d.png", d, image)])
            XCTAssertEqual(code, 0, out)
            let answer = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], out)
            let detections = try XCTUnwrap(answer["detections"] as? [[String: Any]], out)
            let found = detections.map { d -> (String, [Double]) in
                let b = d["box"] as? [String: Double] ?? [:]
                return (d["label"] as? String ?? "", [b["x"] ?? -1, b["y"] ?? -1, b["width"] ?? -1, b["height"] ?? -1])
            }
            for (_, b) in found { XCTAssertTrue(b[0] >= 0 && b[1] >= 0 && b[0] + b[2] <= 128.001 && b[1] + b[3] <= 128.001, "\(b)") }
            let labels = ["stop_sign", "turn_left", "turn_right", "crosswalk", "exit_sign"]
            for a in annotations where a["image_id"] as? Int == image {
                let box = try XCTUnwrap(a["bbox"] as? [Double])
                guard min(box[2], box[3]) >= 24, (a["visible_fraction"] as? Double ?? 0) >= 0.7 else { continue }
                let label = labels[try XCTUnwrap(a["category_id"] as? Int) - 1]
                if found.contains(where: { $0.0 == label && Self.iou($0.1, box) >= 0.5 }) { hits += 1 }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 2)
        XCTAssertGreaterThanOrEqual(Double(hits), 0.6 * Double(checked), "found \(hits) of \(checked) large landmarks")
        p.terminate()
        p.waitUntilExit()
    }

    static func iou(_ a: [Double], _ b: [Double]) -> Double {
        let w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]), h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
        guard w > 0, h > 0 else { return 0 }
        return w * h / (a[2] * a[3] + b[2] * b[3] - w * h)
    }
}
