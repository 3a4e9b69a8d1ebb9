import EdgeRuntime
import EdgeVision
@testable import EdgeVisionData
import Foundation
import XCTest

final class DetectionDatasetTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vision-data-\(getpid())-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testSameSeedSameScenesDifferentSeedOrSplitDiffers() throws {
        let a = DetectionDatasetWriter(seed: 7, imageSize: 64), b = DetectionDatasetWriter(seed: 8, imageSize: 64)
        for index in 0..<6 {
            let first = a.scene(split: .train, index: index), again = a.scene(split: .train, index: index)
            XCTAssertEqual(first.image, again.image)
            XCTAssertEqual(first.objects, again.objects)
            XCTAssertNotEqual(first.image, b.scene(split: .train, index: index).image)
            XCTAssertNotEqual(first.image, a.scene(split: .test, index: index).image)
        }
    }

    func testScenesHaveValidVisibleBoxesAndEveryClassAppears() {
        let writer = DetectionDatasetWriter(seed: 3, imageSize: 128)
        var seen = Set<LandmarkClass>()
        var counts: [Int] = []
        for index in 0..<40 {
            let scene = writer.scene(split: .train, index: index)
            counts.append(scene.objects.count)
            for o in scene.objects {
                seen.insert(o.landmark)
                XCTAssertGreaterThanOrEqual(o.box.x, 0)
                XCTAssertLessThanOrEqual(o.box.maxX, 128)
                XCTAssertGreaterThanOrEqual(o.box.width, 3, "\(o)")
                XCTAssertGreaterThanOrEqual(o.visibleFraction, 0.3)
            }
        }
        XCTAssertEqual(seen, Set(LandmarkClass.allCases))
        XCTAssertTrue(counts.contains(0))
        XCTAssertLessThanOrEqual(counts.max() ?? 0, 4)
    }

    func testWrittenDatasetIsByteIdenticalAcrossRunsAndThreads() throws {
        let one = DetectionDatasetWriter(seed: 11, imageSize: 32, threads: 1)
        let two = DetectionDatasetWriter(seed: 11, imageSize: 32, threads: 2)
        try one.write(split: .val, count: 5, directory: directory + "/a")
        try two.write(split: .val, count: 5, directory: directory + "/b")
        for file in ["annotations.json", "features.npy", "boxes.npy", "images/000004.png"] {
            let a = try XCTUnwrap(FileManager.default.contents(atPath: "\(directory)/a/val/\(file)"))
            XCTAssertEqual(a, FileManager.default.contents(atPath: "\(directory)/b/val/\(file)"), file)
        }
        // features.npy holds exactly the PNG pixels / 255.
        let images = try Npy.read(path: directory + "/a/val/features.npy")
        XCTAssertEqual(images.shape, [5, 3, 32, 32])
        let png = try PNGCodec.decode(Array(try XCTUnwrap(FileManager.default.contents(atPath: directory + "/a/val/images/000004.png"))))
        let planes: [Float] = images.scalars()
        XCTAssertEqual(Array(planes[(4 * 3 * 1024)..<(5 * 3 * 1024)]), DetectionDatasetWriter.planar(png))
    }

    func testBoxListsMatchTheAnnotations() throws {
        // boxes.npy is the trainer's layout: [N, 4, 5] rows (class, x0, y0, x1, y1), class −1 padding.
        try DetectionDatasetWriter(seed: 5, imageSize: 64).write(split: .val, count: 12, directory: directory)
        let boxes = try Npy.read(path: directory + "/val/boxes.npy")
        XCTAssertEqual(boxes.shape, [12, SceneGenerator.maxObjects, 5])
        let v: [Float] = boxes.scalars()
        let a = try DetectionAnnotations.read(path: directory + "/val/annotations.json")
        var rows: [[Float]] = []
        for i in 0..<12 {
            for k in 0..<SceneGenerator.maxObjects {
                let r = Array(v[(i * 4 + k) * 5..<(i * 4 + k) * 5 + 5])
                if r[0] == -1 { XCTAssertEqual(r, [-1, 0, 0, 0, 0]) } else { rows.append([Float(i)] + r) }
            }
        }
        let expected = a.annotations.map { an -> [Float] in
            [Float(an.imageID), Float(an.categoryID - 1), Float(an.bbox[0]), Float(an.bbox[1]), Float(an.bbox[0] + an.bbox[2]), Float(an.bbox[1] + an.bbox[3])]
        }
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(rows, expected)
    }

    func testGroundTruthScoresPerfectMAP() throws {
        // The evaluator run on the annotations themselves: every box found exactly.
        try DetectionDatasetWriter(seed: 5, imageSize: 64).write(split: .test, count: 12, directory: directory)
        let a = try DetectionAnnotations.read(path: directory + "/test/annotations.json")
        let gt = try a.groundTruth()
        XCTAssertFalse(gt.isEmpty)
        var detections: [Int: [Detection]] = [:]
        for g in gt {
            detections[g.imageID, default: []].append(Detection(classIndex: g.classIndex, label: LandmarkClass.labels[g.classIndex], score: 1, box: g.box))
        }
        let result = try COCOEvaluator(classCount: 5).evaluate(imageIDs: a.images.map(\.id), groundTruth: gt, detections: detections)
        XCTAssertEqual(result.mAP, 1, accuracy: 1e-9)
    }
}
