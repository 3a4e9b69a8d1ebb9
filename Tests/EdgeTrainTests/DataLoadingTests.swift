import EdgeRuntime
import XCTest
@testable import EdgeTrain

/// Bad training data is rejected with a clear error before training.
final class DataLoadingTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "edgetrain-data-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func write(_ name: String, _ t: Tensor) throws { try Npy.write(t, path: dir + "/" + name) }

    private func expectError(_ expect: DataLoading.Expectation, contains text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try DataLoading.load(dir, expect), file: file, line: line) { e in
            let message = (e as? EdgeError)?.message ?? "\(e)"
            XCTAssertTrue(message.contains(text), "'\(message)' should mention '\(text)'", file: file, line: line)
        }
    }

    func testClassificationChecks() throws {
        let expect = DataLoading.Expectation(task: "speech", inputShapes: [[1, 2, 2]], classes: 3, classNames: ["a", "b", "c"])
        expectError(expect, contains: "features.npy is missing")
        try write("features.npy", try Tensor([Float](repeating: 0.5, count: 16), shape: [4, 1, 2, 2]))
        try write("labels.npy", try Tensor([Int64(0), 1, 2, 1], shape: [4]))
        XCTAssertEqual(try DataLoading.load(dir, expect).labels, [0, 1, 2, 1])

        try write("labels.npy", try Tensor([Int64(0), 1, 3, 1], shape: [4]))
        expectError(expect, contains: "label 3 of sample 2 is outside [0, 3)")
        try write("labels.npy", try Tensor([Int64(0), 1, 1, 1], shape: [4]))
        expectError(expect, contains: "class 2 (c) has no samples")
        try write("labels.npy", try Tensor([Int64(0), 1, 2], shape: [3]))
        expectError(expect, contains: "labels.npy: shape [3], expected [4]")
        try write("labels.npy", try Tensor([Int64(0), 1, 2, 1], shape: [4]))
        try write("features.npy", try Tensor([Float](repeating: 0.5, count: 12), shape: [4, 1, 3, 1]))
        expectError(expect, contains: "features.npy: shape [4, 1, 3, 1]")
        var values = [Float](repeating: 0.5, count: 16)
        values[9] = .nan
        try write("features.npy", try Tensor(values, shape: [4, 1, 2, 2]))
        expectError(expect, contains: "non-finite value nan in sample 2")
    }

    func testDetectionBoxChecks() throws {
        let expect = DataLoading.Expectation(task: "detection", inputShapes: [[3, 16, 16]], classes: 2)
        try write("features.npy", try Tensor([Float](repeating: 0.5, count: 2 * 768), shape: [2, 3, 16, 16]))
        try write("boxes.npy", try Tensor([Float]([0, 1, 1, 8, 8, -1, 0, 0, 0, 0, 1, 2, 2, 15, 12, -1, 0, 0, 0, 0]), shape: [2, 2, 5]))
        let data = try DataLoading.load(dir, expect)
        XCTAssertEqual(data.boxes?[1], [GroundTruthBox(label: 1, x0: 2, y0: 2, x1: 15, y1: 12)])
        try write("boxes.npy", try Tensor([Float]([0, 1, 1, 8, 8, 1, 2, 2, 30, 12]), shape: [2, 1, 5]))
        expectError(expect, contains: "outside the 16×16 image")
        try write("boxes.npy", try Tensor([Float]([0, 1, 1, 8, 8, 2, 2, 2, 10, 12]), shape: [2, 1, 5]))
        expectError(expect, contains: "class 2.0 of sample 1")
        try write("boxes.npy", try Tensor([Float]([0, 1, 1, 8, 8, 0, 2, 2, 10, 12]), shape: [2, 1, 5]))
        expectError(expect, contains: "class 1 has no boxes")
    }

    func testRecommendationChecks() throws {
        let expect = DataLoading.Expectation(task: "recommendation", inputShapes: [[2], [2]], classes: 2, cardinalities: [3, 2])
        try write("features.npy", try Tensor([Float]([0, 1, 2, 3, 4, 5]), shape: [3, 2]))
        try write("categorical.npy", try Tensor([Int64]([0, 1, 2, 0, 1, 1]), shape: [3, 2]))
        try write("labels.npy", try Tensor([Int64]([0, 1, 1]), shape: [3]))
        let data = try DataLoading.load(dir, expect)
        XCTAssertEqual(data.targets, [0, 1, 1])
        XCTAssertEqual(data.inputs[1].data, [0, 1, 2, 0, 1, 1])
        try write("categorical.npy", try Tensor([Int64]([0, 1, 2, 2, 1, 1]), shape: [3, 2]))
        expectError(expect, contains: "id 2 in column 1 of sample 1 is outside [0, 2)")
        try write("categorical.npy", try Tensor([Int64]([0, 1, 2, 0, 1, 1]), shape: [3, 2]))
        try write("labels.npy", try Tensor([Int64]([0, 2, 1]), shape: [3]))
        expectError(expect, contains: "must be 0 or 1")
        try write("labels.npy", try Tensor([Int64]([1, 1, 1]), shape: [3]))
        expectError(expect, contains: "only one class")
    }
}
