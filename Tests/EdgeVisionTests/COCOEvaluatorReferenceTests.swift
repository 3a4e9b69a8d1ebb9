import EdgeRuntime
@testable import EdgeVision
import Foundation
import XCTest

/// Cross-checks the evaluator with pycocotools itself on seeded random scenes (test-only
/// dependency from PIP_TEST_PACKAGES; skipped when python3 or pycocotools is missing).
final class COCOEvaluatorReferenceTests: XCTestCase {
    static let script = """
    import contextlib, io, json, sys
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(sys.argv[1]); dt = gt.loadRes(sys.argv[2])
        e = COCOeval(gt, dt, 'bbox'); e.evaluate(); e.accumulate(); e.summarize()
    print(json.dumps([e.stats[0], e.stats[1]]))
    """

    func run(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    func testAgreesWithPycocotools() throws {
        guard (try? run(["-c", "import pycocotools.cocoeval"]))?.status == 0 else {
            throw XCTSkip("python3 with pycocotools is not installed (make test-deps)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("coco-ref-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = DecoderFuzzTests.Mutator(state: 2024)
        for trial in 0..<4 {
            let scene = randomScene(&rng, images: 12 + trial * 4, classes: 3)
            let gtURL = dir.appendingPathComponent("gt\(trial).json"), dtURL = dir.appendingPathComponent("dt\(trial).json")
            try JSONSerialization.data(withJSONObject: scene.gtJSON).write(to: gtURL)
            try JSONSerialization.data(withJSONObject: scene.dtJSON).write(to: dtURL)
            let (status, output) = try run(["-c", Self.script, gtURL.path, dtURL.path])
            XCTAssertEqual(status, 0)
            let stats = try XCTUnwrap(JSONSerialization.jsonObject(with: output) as? [Double])
            let ours = try COCOEvaluator(classCount: 3).evaluate(imageIDs: scene.images, groundTruth: scene.gt, predictions: scene.predictions)
            XCTAssertEqual(ours.mAP, stats[0], accuracy: 1e-9, "trial \(trial) mAP@0.5:0.95")
            XCTAssertEqual(ours.mAP50, stats[1], accuracy: 1e-9, "trial \(trial) mAP@0.5")
            XCTAssertGreaterThan(ours.mAP50, 0.05, "scene should be neither trivial nor hopeless")
            XCTAssertLessThan(ours.mAP, 0.99)
        }
    }

    struct Scene {
        var images: [Int] = []
        var gt: [COCOEvaluator.GroundTruth] = []
        var predictions: [P] = []
        var gtJSON: [String: Any] = [:]
        var dtJSON: [[String: Any]] = []
    }

    /// Ground truth boxes on a 100x100 canvas; predictions are jittered copies (some dropped,
    /// some duplicated, some with the wrong class), plus random false positives; scores on a
    /// coarse grid so ties occur.
    func randomScene(_ rng: inout DecoderFuzzTests.Mutator, images: Int, classes: Int) -> Scene {
        var scene = Scene()
        func unit() -> Double { Double(rng.below(1_000_000)) / 1_000_000 }
        var annotations: [[String: Any]] = []
        for image in 1...images {
            scene.images.append(image)
            for _ in 0..<rng.below(4) {
                let cls = rng.below(classes)
                let box = Box(x: unit() * 70, y: unit() * 70, width: 5 + unit() * 25, height: 5 + unit() * 25)
                scene.gt.append(.init(imageID: image, classIndex: cls, box: box))
                annotations.append(["id": annotations.count + 1, "image_id": image, "category_id": cls + 1,
                                    "bbox": [box.x, box.y, box.width, box.height], "area": box.area, "iscrowd": 0])
                for _ in 0..<[0, 1, 1, 1, 2][rng.below(5)] {
                    let jitter = Box(x: box.x + (unit() - 0.5) * box.width * 0.5, y: box.y + (unit() - 0.5) * box.height * 0.5,
                                     width: box.width * (0.7 + unit() * 0.6), height: box.height * (0.7 + unit() * 0.6))
                    let predictedClass = rng.below(10) == 0 ? rng.below(classes) : cls
                    scene.predictions.append(P(imageID: image, classIndex: predictedClass, score: Double(rng.below(20)) / 20, box: jitter))
                }
            }
            for _ in 0..<rng.below(3) {
                let box = Box(x: unit() * 80, y: unit() * 80, width: 5 + unit() * 20, height: 5 + unit() * 20)
                scene.predictions.append(P(imageID: image, classIndex: rng.below(classes), score: Double(rng.below(20)) / 20, box: box))
            }
        }
        scene.gtJSON = ["images": scene.images.map { ["id": $0, "width": 100, "height": 100] },
                        "categories": (0..<classes).map { ["id": $0 + 1, "name": "c\($0)"] },
                        "annotations": annotations]
        scene.dtJSON = scene.predictions.map { ["image_id": $0.imageID, "category_id": $0.classIndex + 1, "score": $0.score,
                                                "bbox": [$0.box.x, $0.box.y, $0.box.width, $0.box.height]] }
        return scene
    }
}
