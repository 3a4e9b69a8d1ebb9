import EdgeTestSupport
import Foundation
import XCTest

/// `voice stream-make | score | tune` through the built binary (needs espeak-ng). The model is
/// the contract-shaped speech model (always `_silence_`), so this checks the plumbing and the
/// report, not recognition (docs/VOICE.md "Measured" has the trained model's figures).
extension CLITests {
    func testVoiceStreamMakeScoreAndTune() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/espeak-ng") else { throw XCTSkip("espeak-ng is not installed") }
        let d = try shortDir()
        try ContractModels.writeFamily(in: d + "/models", family: "speech-commands", task: "speech", metric: "accuracy",
                                       labels: ContractModels.speechLabels, graph: ContractModels.speechGraph)
        let model = d + "/models/speech-commands/teacher.edge"
        let make = try cli(["voice", "stream-make", "--out", d + "/s", "--seed", "3", "--seconds", "6",
                            "--voices", "espeak-ng:en-us+m4", "--command-share", "0.6", "--jobs", "2"])
        XCTAssertEqual(make.0, 0, make.2)
        XCTAssertTrue(make.1.contains("6.0 s"), make.1)
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/s/truth.json"))) as? [String: Any]
        let commands = (truth?["commands"] as? [Any])?.count ?? -1
        XCTAssertGreaterThan(commands, 0)

        let score = try cli(["voice", "score", model, d + "/s/stream.wav", d + "/s/truth.json", "--json", d + "/score.json"])
        XCTAssertEqual(score.0, 0, score.2)
        XCTAssertTrue(score.1.hasPrefix("commands \(commands), detected 0 (0.0%), false events 0"), score.1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: d + "/score.json"))

        let tune = try cli(["voice", "tune", model, d + "/s/stream.wav", d + "/s/truth.json", "--out", d + "/tuned.json"])
        XCTAssertEqual(tune.0, 0, tune.2)
        XCTAssertTrue(tune.1.contains("tuned ("), tune.1)
        let rescored = try cli(["voice", "score", model, d + "/s/stream.wav", d + "/s/truth.json", "--detector", d + "/tuned.json"])
        XCTAssertEqual(rescored.0, 0, rescored.2)
    }

    func testVoiceStreamErrorsAreClear() throws {
        let d = try shortDir()
        let noVoices = try cli(["voice", "stream-make", "--out", d + "/s", "--seed", "1"])
        XCTAssertNotEqual(noVoices.0, 0)
        XCTAssertTrue(noVoices.2.contains("--voices-from"), noVoices.2)
        let badVoice = try cli(["voice", "stream-make", "--out", d + "/s", "--seed", "1", "--voices", "say:-rf"])
        XCTAssertNotEqual(badVoice.0, 0)
        XCTAssertTrue(badVoice.2.contains("not a voice id"), badVoice.2)
        try ContractModels.writeFamily(in: d + "/models", family: "speech-commands", task: "speech", metric: "accuracy",
                                       labels: ContractModels.speechLabels, graph: ContractModels.speechGraph)
        let wav = d + "/a.wav"
        var bytes = Data("RIFF".utf8)
        bytes.append(Data(count: 40))
        try bytes.write(to: URL(fileURLWithPath: wav))
        try Data(#"{"seed":1}"#.utf8).write(to: URL(fileURLWithPath: d + "/t.json"))
        let model = d + "/models/speech-commands/teacher.edge"
        let badAudio = try cli(["voice", "score", model, wav, d + "/t.json"])
        XCTAssertNotEqual(badAudio.0, 0)
        XCTAssertTrue(badAudio.2.contains("WAVE") || badAudio.2.contains("invalid_audio"), badAudio.2)
        try Data(count: 32_000).write(to: URL(fileURLWithPath: d + "/a.raw"))
        let detector = d + "/bad.json"
        try Data(#"{"smoothing_hops": 0}"#.utf8).write(to: URL(fileURLWithPath: detector))
        let badDetector = try cli(["voice", "recognize", model, d + "/a.raw", "--detector", detector])
        XCTAssertNotEqual(badDetector.0, 0)
        XCTAssertTrue(badDetector.2.contains("smoothing_hops must be 1…50"), badDetector.2)
    }
}
