import Foundation
import XCTest

/// `edge-assistant governor replay|signals` through the built binary.
extension CLITests {
    private var exampleLadders: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Benchmarks/governor_replay/example_ladders.json").path
    }

    func testGovernorReplayPrintsTheThreeStrategies() throws {
        let (status, stdout, stderr) = try cli(["governor", "replay", "--ladders", exampleLadders, "--hours", "0.25", "--seed", "5"])
        XCTAssertEqual(status, 0, stderr)
        for strategy in ["always-teacher", "always-smallest", "governor"] {
            XCTAssertTrue(stdout.contains("\(strategy) ") && stdout.contains("all (req-weighted)"), stdout)
        }
        XCTAssertTrue(stdout.hasPrefix("replay: 0.2 h, seed 5,") || stdout.hasPrefix("replay: 0.3 h, seed 5,"), stdout)
    }

    func testGovernorBadInputsFailCleanly() throws {
        let config = dir.appendingPathComponent("governor.json").path
        try #"{"rules": ["battery < low -> eco"]}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["governor", "replay"], "give exactly one of --models DIR or --ladders FILE"),
            (["governor", "replay", "--ladders", dir.appendingPathComponent("none.json").path], "cannot read"),
            (["governor", "replay", "--models", dir.path], "no card.json under"),
            (["governor", "replay", "--ladders", exampleLadders, "--config", config], "rule 1 \"battery < low -> eco\", column 11"),
            (["governor", "signals", "--interval", "0"], "--interval must be in (0, 60]"),
        ]
        for (args, expected) in cases {
            let (status, stdout, stderr) = try cli(args)
            XCTAssertNotEqual(status, 0, "\(args) should fail")
            XCTAssertLessThan(status, 128, "\(args) crashed with signal \(status - 128)")
            XCTAssertTrue((stderr + stdout).contains(expected), "\(args): expected '\(expected)' in:\n\(stderr)\(stdout)")
        }
    }

    func testGovernorSignalsReadsAFakeTree() throws {
        let sys = dir.appendingPathComponent("sys/class/power_supply/BAT0")
        try FileManager.default.createDirectory(at: sys, withIntermediateDirectories: true)
        try "Battery".write(to: sys.appendingPathComponent("type"), atomically: true, encoding: .utf8)
        try "42".write(to: sys.appendingPathComponent("capacity"), atomically: true, encoding: .utf8)
        try "Discharging".write(to: sys.appendingPathComponent("status"), atomically: true, encoding: .utf8)
        let (status, stdout, stderr) = try cli(["governor", "signals", "--sysfs-root", dir.appendingPathComponent("sys").path,
                                                "--procfs-root", dir.appendingPathComponent("proc").path, "--interval", "0.05"])
        XCTAssertEqual(status, 0, stderr)
        XCTAssertTrue(stdout.contains("\"levelPercent\" : 42"), stdout)
        XCTAssertTrue(stdout.contains("budget (balanced): "), stdout)
        XCTAssertTrue(stdout.contains("battery 0.55 (42.00% discharging)"), stdout)
    }
}
