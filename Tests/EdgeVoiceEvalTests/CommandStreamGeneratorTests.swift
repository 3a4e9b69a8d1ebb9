import EdgeSpeechData
import Foundation
import XCTest
@testable import EdgeVoiceEval

/// The stream generator is deterministic from its seed and its truth describes the audio.
final class CommandStreamGeneratorTests: XCTestCase {
    func make(seed: UInt64) throws -> CommandStreamGenerator.Stream {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/espeak-ng") else { throw XCTSkip("espeak-ng is not installed (apt: espeak-ng)") }
        var o = CommandStreamOptions(voices: [Voice(id: "espeak-ng:en-us+m4")!, Voice(id: "espeak-ng:en-gb+f4")!])
        o.seconds = 8
        o.commandShare = 0.6
        o.jobs = 2
        let dir = NSTemporaryDirectory() + "stream-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try CommandStreamGenerator.make(seed: seed, options: o, scratchDirectory: dir)
    }

    func testSameSeedSameStreamAndTruthMatchesTheAudio() throws {
        let a = try make(seed: 11), b = try make(seed: 11), c = try make(seed: 12)
        XCTAssertEqual(a.samples, b.samples)
        XCTAssertEqual(a.truth, b.truth)
        XCTAssertNotEqual(a.samples, c.samples)
        XCTAssertEqual(a.samples.count, 8 * 16_000)
        XCTAssertEqual(a.truth.durationMs, 8000)
        XCTAssertGreaterThan(a.truth.commands.count + a.truth.fillerWords, 2)
        XCTAssertFalse(a.truth.commands.isEmpty, "seed 11 embeds at least one command: \(a.truth)")
        XCTAssertNoThrow(try StreamTruth.decode(a.truth.encoded()))
        for cmd in a.truth.commands {
            XCTAssertTrue(SpeechLabels.commands.contains(cmd.label))
            XCTAssertTrue(cmd.voice == "espeak-ng:en-us+m4" || cmd.voice == "espeak-ng:en-gb+f4")
            // The word is far above the background: its RMS over the truth span vs the first 0.5 s.
            let word = a.samples[(cmd.startMs * 16)..<(cmd.endMs * 16)]
            XCTAssertGreaterThan(rms(word), 1.7 * rms(a.samples[0..<8000]), "\(cmd)")
            XCTAssertLessThan(cmd.endMs + 1400, a.truth.durationMs)
        }
        // 16-bit steps, as the WAV stores them.
        XCTAssertTrue(a.samples.allSatisfy { ($0 * 32768).rounded() == $0 * 32768 })
    }

    func testBadOptionsAreErrors() {
        var o = CommandStreamOptions(voices: [])
        XCTAssertThrowsError(try CommandStreamGenerator.make(seed: 1, options: o, scratchDirectory: NSTemporaryDirectory()))
        o.voices = [Voice(id: "flite:slt")!]
        o.seconds = 0
        XCTAssertThrowsError(try CommandStreamGenerator.make(seed: 1, options: o, scratchDirectory: NSTemporaryDirectory()))
        o.seconds = 10
        o.commandShare = 2
        XCTAssertThrowsError(try CommandStreamGenerator.make(seed: 1, options: o, scratchDirectory: NSTemporaryDirectory()))
    }

    func testVoiceIdsParse() {
        XCTAssertEqual(Voice(id: "espeak-ng:en-gb-x-rp+Mario"), Voice(engine: .espeak, name: "en-gb-x-rp", variant: "Mario"))
        XCTAssertEqual(Voice(id: "flite:kal16"), Voice(engine: .flite, name: "kal16"))
        for bad in ["", "espeak-ng", "say:en", "flite:", "espeak-ng:en+", "espeak-ng:en us", "espeak-ng:-rf"] {
            XCTAssertNil(Voice(id: bad), bad)
        }
    }
}
