import Foundation
import XCTest

/// `edge-assistant data speech` / `data check-speech` through the built binary (needs espeak-ng
/// and flite, installed by `make test-deps`).
extension CLITests {
    func testDataSpeechMakesAValidSetAndCheckSpeechAgrees() throws {
        let out = dir.appendingPathComponent("speech").path
        let (status, stdout, stderr) = try cli(["data", "speech", "--out", out, "--seed", "4", "--per-word", "1",
                                                "--voices", "en-us", "--variants", "m3,f2,Alex", "--jobs", "4"])
        XCTAssertEqual(status, 0, stderr)
        XCTAssertTrue(stdout.contains("made 48 clips"), stdout)
        XCTAssertTrue(stdout.hasSuffix("OK\n"), stdout)
        for split in ["train", "val", "test", "test_engine"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/\(split)/features.npy"), split)
        }
        let check = try cli(["data", "check-speech", out])
        XCTAssertEqual(check.0, 0, check.2)
        // No flite voice named: the held-out engine keeps all of its voices, and only test_engine has them.
        let manifest = try String(contentsOfFile: "\(out)/manifest.jsonl", encoding: .utf8)
        let fliteLines = manifest.split(separator: "\n").filter { $0.contains("\"engine\":\"flite\"") }
        XCTAssertEqual(fliteLines.count, 11)   // 12 classes less _silence_
        XCTAssertTrue(fliteLines.allSatisfy { $0.contains("\"split\":\"test_engine\"") })
        let description = try String(contentsOfFile: "\(out)/dataset.json", encoding: .utf8)
        for voice in ["flite:kal16", "flite:slt", "espeak-ng:en-us+m3"] { XCTAssertTrue(description.contains(voice), voice) }
    }

    func testDataSpeechErrorsAreClear() throws {
        let missing = try cli(["data", "check-speech", dir.appendingPathComponent("nothing").path])
        XCTAssertNotEqual(missing.0, 0)
        XCTAssertTrue(missing.2.contains("no manifest.jsonl"), missing.2)
        let badVoice = try cli(["data", "speech", "--out", dir.path, "--voices", "klingon", "--per-word", "1"])
        XCTAssertNotEqual(badVoice.0, 0)
        XCTAssertTrue(badVoice.2.contains("espeak-ng voice 'klingon' is not installed"), badVoice.2)
        let zero = try cli(["data", "speech", "--out", dir.path, "--per-word", "0"])
        XCTAssertNotEqual(zero.0, 0)
        XCTAssertTrue(zero.2.contains("--per-word"), zero.2)
    }
}
