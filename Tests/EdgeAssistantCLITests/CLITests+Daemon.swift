import EdgeTestSupport
import Foundation
import XCTest

/// `serve` with the daemon's wiring as a process: contract-shaped families, the governor over a
/// fake sysfs/procfs, state.sqlite, and `query detect|recognize|rank`.
extension CLITests {
    func testServeWiresInferenceGovernorAndStateAndQueryInferenceCommands() throws {
        let d = try shortDir()
        try ContractModels.writeAll(in: d + "/models", rankWeights: [Float](repeating: 0.1, count: 15), categorical: 8)
        for root in ["sys", "proc"] { try FileManager.default.createDirectory(atPath: "\(d)/\(root)", withIntermediateDirectories: true) }
        let sock = d + "/run/d.sock"
        let (p, err) = try launch(try binary.path, ["serve", "--socket", sock, "--models", d + "/models", "--state-dir", d + "/var",
                                                    "--sysfs-root", d + "/sys", "--procfs-root", d + "/proc"])
        guard try waitHealthy(sock) else {
            p.terminate()
            return XCTFail("daemon did not come up: \(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: d + "/var/state.sqlite"))

        let (statusCode, status, _) = try cli(["query", "--socket", sock, "status"])
        XCTAssertEqual(statusCode, 0)
        XCTAssertTrue(status.contains("\"governor\""), status)
        XCTAssertTrue(status.contains("\"enabled\":true"), status)

        // A file that is no image: the daemon answers 400 and query exits 1.
        let junk = d + "/junk.png"
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: junk))
        let (detectCode, detect, _) = try cli(["query", "--socket", sock, "detect", junk])
        XCTAssertEqual(detectCode, 1)
        XCTAssertTrue(detect.contains("invalid_image"), detect)

        // One second of raw s16le silence: 200 with the answer's shape.
        let raw = d + "/silence.raw"
        try Data(count: 32_000).write(to: URL(fileURLWithPath: raw))
        let (recognizeCode, recognize, _) = try cli(["query", "--socket", sock, "recognize", raw])
        XCTAssertEqual(recognizeCode, 0, recognize)
        XCTAssertTrue(recognize.contains("\"commands\":[]") && recognize.contains("speech-commands"), recognize)

        let (rankCode, rank, _) = try cli(["query", "--socket", sock, "rank", "--player", "ann", "--candidates", "bob,cy", "--limit", "1"])
        XCTAssertEqual(rankCode, 1)
        XCTAssertTrue(rank.contains("unknown_player"), rank)
        XCTAssertNotEqual(try cli(["query", "--socket", sock, "rank", "--player", "ann"]).0, 0, "--candidates is required")

        p.terminate()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }
}
