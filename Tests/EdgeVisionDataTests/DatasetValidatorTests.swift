import EdgeRuntime
import EdgeVision
@testable import EdgeVisionData
import Foundation
import XCTest

final class DatasetValidatorTests: XCTestCase {
    func annotations(_ boxes: [(category: Int, bbox: [Double])]) -> DetectionAnnotations {
        DetectionAnnotations(
            info: .init(generator: "test", version: 1, seed: 0, split: "train", imageSize: 64),
            images: [.init(id: 0, fileName: "images/000000.png", width: 64, height: 64)],
            categories: DetectionAnnotations.landmarkCategories,
            annotations: boxes.enumerated().map { .init(id: $0.offset + 1, imageID: 0, categoryID: $0.element.category, bbox: $0.element.bbox,
                                                        area: 0, iscrowd: 0, visibleFraction: nil) })
    }

    let allClasses: [(category: Int, bbox: [Double])] = (1...5).map { ($0, [1, 1, 10, 10]) }

    func testCleanSplitPasses() {
        XCTAssertEqual(DetectionDatasetValidator().validate(annotations(allClasses), split: "train"), [])
    }

    func testEachKindOfBadDataIsReported() {
        let bad = allClasses + [(3, [60, 10, 10, 10]), (2, [5, 5, 0.5, 10]), (9, [1, 1, 5, 5]), (1, [1, 1, 5]), (4, [.nan, 1, 5, 5])]
        let issues = DetectionDatasetValidator().validate(annotations(bad), split: "train").map(\.message)
        XCTAssertEqual(issues.count, 5, "\(issues)")
        XCTAssertTrue(issues[0].contains("turn_right box [60.0, 10.0, 70.0, 20.0] lies outside the 64x64 image"), issues[0])
        XCTAssertTrue(issues[1].contains("degenerate turn_left box"), issues[1])
        XCTAssertTrue(issues[2].contains("unknown class id 9"), issues[2])
        XCTAssertTrue(issues[3].contains("is not 4 finite numbers"), issues[3])
        XCTAssertTrue(issues[4].contains("is not 4 finite numbers"), issues[4])
    }

    func testEmptyClassUnknownCategoryAndUnknownImage() {
        var a = annotations(Array(allClasses.dropLast()))
        a.categories.append(.init(id: 6, name: "giraffe"))
        a.annotations.append(.init(id: 99, imageID: 5, categoryID: 1, bbox: [0, 0, 4, 4], area: 16, iscrowd: 0, visibleFraction: nil))
        let issues = DetectionDatasetValidator().validate(a, split: "val").map(\.description)
        XCTAssertEqual(issues, ["val: category 6 'giraffe' is not a known class (stop_sign, turn_left, turn_right, crosswalk, exit_sign)",
                                "val: annotation 99 (image 5): image 5 is not in the split",
                                "val: class 'exit_sign' has no boxes in this split (generate more images)"])
    }

    func testDirectoryChecksFilesAndTensorShapes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vision-check-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try DetectionDatasetWriter(seed: 1, imageSize: 32).write(split: .val, count: 3, directory: dir)
        let validator = DetectionDatasetValidator()
        // A missing split is reported, not skipped.
        XCTAssertTrue(validator.validate(directory: dir, splits: ["test"])[0].message.contains("cannot read"))
        XCTAssertTrue(validator.validate(directory: dir, splits: ["val"]).allSatisfy { $0.message.contains("has no boxes") })
        try Npy.write(try Tensor(zeros: .float32, shape: [2, 3, 32, 32]), path: dir + "/val/features.npy")
        let issues = validator.validate(directory: dir, splits: ["val"]).map(\.message)
        XCTAssertTrue(issues.contains { $0.hasPrefix("features.npy is not float32 [3, 3, 32, 32]") }, "\(issues)")
        try FileManager.default.removeItem(atPath: dir + "/val/boxes.npy")
        XCTAssertTrue(validator.validate(directory: dir, splits: ["val"]).contains { $0.message == "boxes.npy is missing" })
        try Data("{".utf8).write(to: URL(fileURLWithPath: dir + "/val/annotations.json"))
        XCTAssertTrue(validator.validate(directory: dir, splits: ["val"])[0].message.contains("not a valid annotations file"))
    }
}
