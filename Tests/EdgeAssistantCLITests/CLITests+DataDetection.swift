import EdgeRuntime
import Foundation
import XCTest

/// `edge-assistant data detection` / `detection-check` through the built binary.
extension CLITests {
    func testDataDetectionWritesSplitsAndChecksThem() throws {
        let out = dir.appendingPathComponent("det").path
        let (status, stdout, stderr) = try cli(["data", "detection", "--out", out, "--seed", "9", "--count", "3", "--size", "32", "--threads", "1", "--calibration", "1"])
        // Three 32-pixel images cannot hold every class in every split: generated, then refused.
        XCTAssertEqual(status, 2, stderr)
        XCTAssertTrue(stdout.contains("wrote 3 images (train 1, val 1, test 1)"), stdout)
        XCTAssertTrue(stderr.contains("has no boxes in this split"), stderr)
        for split in ["train", "val", "test"] {
            XCTAssertEqual(try Npy.read(path: "\(out)/\(split)/features.npy").shape, [1, 3, 32, 32])
            XCTAssertEqual(try Npy.read(path: "\(out)/\(split)/boxes.npy").shape, [1, 4, 5])
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/\(split)/images/000000.png"))
        }
        // Calibration frames are the train images, shaped [1, 3, S, S] under the input's name.
        let frame = try Npy.read(path: "\(out)/calibration/image_0.npy")
        XCTAssertEqual(frame.shape, [1, 3, 32, 32])
        XCTAssertEqual(frame.scalars(as: Float.self), try Npy.read(path: "\(out)/train/features.npy").scalars(as: Float.self))
        // The checker finds a box moved outside its image.
        let path = "\(out)/train/annotations.json"
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        json["annotations"] = [["id": 1, "image_id": 0, "category_id": 2, "bbox": [30, 0, 8, 8], "area": 64, "iscrowd": 0]]
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        let check = try cli(["data", "detection-check", out])
        XCTAssertEqual(check.0, 2)
        XCTAssertTrue(check.2.contains("train: annotation 1 (image 0): turn_left box [30.0, 0.0, 38.0, 8.0] lies outside the 32x32 image"), check.2)
    }

    func testDataDetectionRejectsBadOptions() throws {
        for (args, expected) in [(["--count", "2"], "--count must be at least 3"), (["--count", "9", "--size", "30"], "--size must be a multiple of 4"),
                                 (["--count", "10", "--calibration", "9"], "--calibration must be between 0 and the train split's size")] {
            let (status, stdout, stderr) = try cli(["data", "detection", "--out", dir.path, "--seed", "1"] + args)
            XCTAssertNotEqual(status, 0)
            XCTAssertTrue((stderr + stdout).contains(expected), stderr + stdout)
        }
        let missing = try cli(["data", "detection-check", dir.appendingPathComponent("nothing").path])
        XCTAssertEqual(missing.0, 2)
        XCTAssertTrue(missing.2.contains("cannot read"), missing.2)
    }
}
