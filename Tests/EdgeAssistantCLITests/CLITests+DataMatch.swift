import EdgeRuntime
import Foundation
import XCTest

/// `edge-assistant data match`: files, summary line and argument errors through the binary.
extension CLITests {
    func testDataMatchWritesSplitsDatabaseAndBaseline() throws {
        let out = dir.appendingPathComponent("match").path
        let (status, stdout, stderr) = try cli(["data", "match", "--out", out, "--seed", "5", "--players", "60", "--matches", "360"])
        XCTAssertEqual(status, 0, stderr)
        XCTAssertTrue(stdout.contains("baseline -|skill gap| on test: AUC"), stdout)
        for split in ["train", "test"] {
            XCTAssertEqual(try Npy.read(path: "\(out)/\(split)/features.npy").shape.last, 15)
            XCTAssertEqual(try Npy.read(path: "\(out)/\(split)/categorical.npy").dtype, .int64)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/match.sqlite"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/summary.json"))
    }

    func testDataMatchRefusesBadSizes() throws {
        let out = dir.appendingPathComponent("bad").path
        let (status, _, stderr) = try cli(["data", "match", "--out", out, "--seed", "1", "--players", "3"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(stderr.contains("--players must be"), stderr)
    }
}
