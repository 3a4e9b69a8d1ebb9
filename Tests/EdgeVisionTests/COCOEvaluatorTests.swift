import EdgeRuntime
@testable import EdgeVision
import XCTest

/// A prediction in result-file order (test shorthand).
struct P {
    var imageID: Int
    var classIndex: Int
    var score: Double
    var box: Box
}

extension COCOEvaluator {
    /// Groups flat predictions per image, keeping their order, as the decoder would return them.
    func evaluate(imageIDs: [Int], groundTruth: [GroundTruth], predictions: [P]) throws(EdgeError) -> COCOResult {
        var byImage: [Int: [Detection]] = [:]
        for p in predictions {
            byImage[p.imageID, default: []].append(Detection(classIndex: p.classIndex, label: "c\(p.classIndex)", score: p.score, box: p.box))
        }
        return try evaluate(imageIDs: imageIDs, groundTruth: groundTruth, detections: byImage)
    }
}

/// Hand-computed COCO cases (101-point interpolated AP, pycocotools rules).
final class COCOEvaluatorTests: XCTestCase {
    typealias GT = COCOEvaluator.GroundTruth
    let evaluator = COCOEvaluator(classCount: 2)

    func box(_ x: Double, _ y: Double, _ w: Double = 10, _ h: Double = 10) -> Box { Box(x: x, y: y, width: w, height: h) }

    func testThresholdsMatchNumpyLinspace() {
        XCTAssertEqual(COCOEvaluator.iouThresholds.count, 10)
        XCTAssertEqual(COCOEvaluator.iouThresholds.first, 0.5)
        XCTAssertEqual(COCOEvaluator.iouThresholds.last, 0.95)
        XCTAssertEqual(COCOEvaluator.recallThresholds.count, 101)
        XCTAssertEqual(COCOEvaluator.recallThresholds[50], 0.5)
    }

    func testPerfectDetectionsScoreOne() throws {
        let gt = [GT(imageID: 1, classIndex: 0, box: box(0, 0)), GT(imageID: 2, classIndex: 1, box: box(5, 5))]
        let p = gt.map { P(imageID: $0.imageID, classIndex: $0.classIndex, score: 0.9, box: $0.box) }
        let r = try evaluator.evaluate(imageIDs: [1, 2], groundTruth: gt, predictions: p)
        // pycocotools' precision is tp / (tp + fp + eps), so "perfect" is 1 - 1e-16.
        XCTAssertEqual(r.mAP50, 1, accuracy: 1e-12)
        XCTAssertEqual(r.mAP, 1, accuracy: 1e-12)
    }

    func testFalsePositiveBetweenTwoHits() throws {
        // Ranked: TP (0.9), FP (0.8), TP (0.7) over 2 ground truths.
        // recall 0.5, 0.5, 1; precision 1, 0.5, 2/3 → envelope 1, 2/3, 2/3.
        // Recall points 0…0.50 (51 of them) read 1, points 0.51…1 (50) read 2/3.
        let gt = [GT(imageID: 1, classIndex: 0, box: box(0, 0)), GT(imageID: 1, classIndex: 0, box: box(50, 50))]
        let p = [P(imageID: 1, classIndex: 0, score: 0.9, box: box(0, 0)),
                 P(imageID: 1, classIndex: 0, score: 0.8, box: box(100, 0)),
                 P(imageID: 1, classIndex: 0, score: 0.7, box: box(50, 50))]
        let r = try evaluator.evaluate(imageIDs: [1], groundTruth: gt, predictions: p)
        let expected = (51.0 + 50.0 * (2.0 / 3.0)) / 101.0
        XCTAssertEqual(r.classAP50[0]!, expected, accuracy: 1e-12)
        XCTAssertNil(r.classAP50[1], "class 1 has no ground truth and is left out")
        XCTAssertEqual(r.mAP50, expected, accuracy: 1e-12)
    }

    func testMissedObjectHalvesRecall() throws {
        // One of two objects found: precision 1 up to recall 0.5 → 51 of 101 points.
        let gt = [GT(imageID: 1, classIndex: 0, box: box(0, 0)), GT(imageID: 2, classIndex: 0, box: box(0, 0))]
        let p = [P(imageID: 2, classIndex: 0, score: 0.3, box: box(0, 0))]
        let r = try evaluator.evaluate(imageIDs: [1, 2], groundTruth: gt, predictions: p)
        XCTAssertEqual(r.mAP50, 51.0 / 101.0, accuracy: 1e-12)
    }

    func testLooseBoxCountsOnlyAtLowThresholds() throws {
        // A 10x10 box shifted by s = 2.34 px: IoU = (10 - s)·10 / (200 - (10 - s)·10) = 76.6/123.4 = 0.6207.
        let gt = [GT(imageID: 1, classIndex: 0, box: box(0, 0))]
        let p = [P(imageID: 1, classIndex: 0, score: 0.9, box: box(2.34, 0))]
        XCTAssertEqual(p[0].box.iou(gt[0].box), 76.6 / 123.4, accuracy: 1e-12)
        let r = try evaluator.evaluate(imageIDs: [1], groundTruth: gt, predictions: p)
        XCTAssertEqual(r.mAP50, 1, accuracy: 1e-12)
        // Matches at 0.50, 0.55, 0.60: AP 1 at three of ten thresholds.
        XCTAssertEqual(r.mAP, 0.3, accuracy: 1e-12)
    }

    func testDuplicateDetectionIsAFalsePositive() throws {
        // Two boxes on one object: the better-scored (shifted, IoU 0.818) one is the TP at low
        // thresholds and recall reaches 1 at rank 1 → AP 1; the other is a false positive.
        let gt = [GT(imageID: 1, classIndex: 1, box: box(0, 0))]
        let p = [P(imageID: 1, classIndex: 1, score: 0.9, box: box(0, 0)), P(imageID: 1, classIndex: 1, score: 0.95, box: box(1, 0))]
        let r = try evaluator.evaluate(imageIDs: [1], groundTruth: gt, predictions: p)
        XCTAssertEqual(r.classAP50[1]!, 1, accuracy: 1e-12)
        // At 0.85 the shifted box (IoU 0.818) fails and the exact one ranks second:
        // precision 1/2 at recall 1 → AP 0.5 at thresholds 0.85, 0.9, 0.95; 1 below.
        XCTAssertEqual(r.classAP[1]!, (7.0 + 3 * 0.5) / 10, accuracy: 1e-12)
    }

    func testDetectionsOnEmptyImagesAndBadInput() throws {
        let gt = [GT(imageID: 1, classIndex: 0, box: box(0, 0))]
        let p = [P(imageID: 2, classIndex: 0, score: 0.99, box: box(0, 0)), P(imageID: 1, classIndex: 0, score: 0.5, box: box(0, 0))]
        // FP first then TP: precision envelope 0.5 everywhere.
        XCTAssertEqual(try evaluator.evaluate(imageIDs: [1, 2], groundTruth: gt, predictions: p).mAP50, 0.5, accuracy: 1e-12)
        assertEdgeError(.invalidInput) { try self.evaluator.evaluate(imageIDs: [1], groundTruth: gt, predictions: p) }
        assertEdgeError(.invalidInput) { try self.evaluator.evaluate(imageIDs: [1], groundTruth: [GT(imageID: 1, classIndex: 7, box: self.box(0, 0))], predictions: []) }
        XCTAssertEqual(try evaluator.evaluate(imageIDs: [1], groundTruth: [], predictions: []).mAP, -1)
    }
}
