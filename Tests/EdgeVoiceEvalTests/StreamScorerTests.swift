import EdgeVoice
import Foundation
import XCTest
@testable import EdgeVoiceEval

/// `StreamScorer` on hand-made events and ground truth (every outcome of the matching rules).
final class StreamScorerTests: XCTestCase {
    func event(_ label: String, _ at: Int, _ confidence: Float = 0.9) -> VoiceCommand {
        VoiceCommand(label: label, confidence: confidence, startMs: at - 300, endMs: at, variant: "t")
    }

    let truth = StreamTruth(seed: 1, durationMs: 1_800_000, fillerWords: 0, voices: [], commands: [
        EmbeddedCommand(label: "yes", startMs: 1000, endMs: 1400),
        EmbeddedCommand(label: "stop", startMs: 5000, endMs: 5500),
        EmbeddedCommand(label: "yes", startMs: 9000, endMs: 9300),
        EmbeddedCommand(label: "go", startMs: 20000, endMs: 20400),
    ])

    func testPerfectEventsDetectEverythingWithTheirLatencies() {
        let s = StreamScorer.score(events: [event("yes", 1450), event("stop", 5480), event("yes", 9400), event("go", 20500)], truth: truth)
        XCTAssertEqual(s.commands, 4)
        XCTAssertEqual(s.detected, 4)
        XCTAssertEqual(s.detectionRate, 1)
        XCTAssertTrue(s.falseEvents.isEmpty)
        XCTAssertEqual(s.latenciesMs, [50, -20, 100, 100])
        XCTAssertEqual(s.latency(0.5), 50)
        XCTAssertEqual(s.latency(0.95), 100)
        XCTAssertEqual(s.hours, 0.5)
        XCTAssertEqual(s.falsePerHour, 0)
        XCTAssertEqual(s.perLabel["yes"], .init(commands: 2, detected: 2, falseEvents: 0))
    }

    func testEachKindOfFalseEventAndMiss() {
        let events = [
            event("no", 1300),       // wrong label while "yes" is spoken
            event("yes", 1500),      // then the right one: detected
            event("yes", 1700),      // again: duplicate
            event("up", 3000),       // nothing spoken (window of "yes" ends at 2400)
            event("stop", 6600),     // past stop's window (5500 + 1000): no command
            event("go", 8900),       // before "yes" (9000) starts: no command
        ]
        let s = StreamScorer.score(events: events.reversed(), truth: truth)   // order of input does not matter
        XCTAssertEqual(s.detected, 1)
        XCTAssertEqual(s.missed.map(\.label), ["stop", "yes", "go"])
        XCTAssertEqual(s.falseEvents.map(\.reason), [.wrongLabel, .duplicate, .noCommand, .noCommand, .noCommand])
        XCTAssertEqual(s.falseEvents.map(\.label), ["no", "yes", "up", "stop", "go"])
        XCTAssertEqual(s.falseEvents[0].expected, "yes")
        XCTAssertEqual(s.falseEvents[1].expected, "yes")
        XCTAssertNil(s.falseEvents[2].expected)
        XCTAssertEqual(s.falsePerHour, 10)
        XCTAssertEqual(s.perLabel["stop"], .init(commands: 1, detected: 0, falseEvents: 1))
        XCTAssertEqual(s.perLabel["up"], .init(commands: 0, detected: 0, falseEvents: 1))
    }

    func testToleranceBoundsAndOverlappingWindows() {
        // Exactly at the window's end counts; one ms later does not.
        XCTAssertEqual(StreamScorer.score(events: [event("go", 20400 + 250)], truth: truth, toleranceMs: 250).detected, 1)
        XCTAssertEqual(StreamScorer.score(events: [event("go", 20400 + 251)], truth: truth, toleranceMs: 250).detected, 0)
        XCTAssertEqual(StreamScorer.score(events: [event("go", 20000)], truth: truth).detected, 1)
        XCTAssertEqual(StreamScorer.score(events: [event("go", 19999)], truth: truth).detected, 0)
        // Two "yes" windows overlap with a long tolerance: two events detect both, in order.
        let s = StreamScorer.score(events: [event("yes", 9350), event("yes", 9360)], truth: truth, toleranceMs: 10_000)
        XCTAssertEqual(s.detected, 2)
        XCTAssertEqual(s.latenciesMs, [9350 - 1400, 9360 - 9300])
    }

    func testNoEventsAndNoCommands() {
        let s = StreamScorer.score(events: [], truth: truth)
        XCTAssertEqual(s.detected, 0)
        XCTAssertEqual(s.missed.count, 4)
        XCTAssertEqual(s.latency(0.95), 0)
        let empty = StreamTruth(seed: 0, durationMs: 3_600_000, fillerWords: 9, voices: [], commands: [])
        let e = StreamScorer.score(events: [event("yes", 100)], truth: empty)
        XCTAssertEqual(e.detectionRate, 0)
        XCTAssertEqual(e.falsePerHour, 1)
        XCTAssertTrue(e.summary.contains("false events 1"), e.summary)
    }

    func testPercentileIsNearestRank() {
        XCTAssertNil(Percentile.nearestRank([Int](), 0.5))
        XCTAssertEqual(Percentile.nearestRank([5], 0.95), 5)
        XCTAssertEqual(Percentile.nearestRank(Array(1...100), 0.95), 95)
        XCTAssertEqual(Percentile.nearestRank([4, 1, 3, 2], 0.5), 2)
        XCTAssertEqual(Percentile.nearestRank([4, 1, 3, 2], 1), 4)
        XCTAssertEqual(Percentile.nearestRank([4, 1, 3, 2], 0), 1)
    }

    func testTruthFilesAreValidated() throws {
        let good = truth.encoded()
        XCTAssertEqual(try StreamTruth.decode(good), truth)
        let bad: [(String, String)] = [
            ("{}", "expected shape"),
            ("[1,2]", "expected shape"),
            (#"{"seed":1,"duration_ms":0,"sample_rate":16000,"filler_words":0,"voices":[],"commands":[]}"#, "duration_ms must be positive"),
            (#"{"seed":1,"duration_ms":1000,"sample_rate":16000,"filler_words":0,"voices":[],"commands":[{"label":"yes","start_ms":500,"end_ms":400}]}"#, "command 0"),
            (#"{"seed":1,"duration_ms":1000,"sample_rate":16000,"filler_words":0,"voices":[],"commands":[{"label":"yes","start_ms":500,"end_ms":1400}]}"#, "outside"),
            (#"{"seed":1,"duration_ms":9000,"sample_rate":16000,"filler_words":0,"voices":[],"commands":[{"label":"yes","start_ms":500,"end_ms":900},{"label":"no","start_ms":800,"end_ms":1000}]}"#, "command 1"),
            (#"{"seed":1,"duration_ms":9000,"sample_rate":16000,"filler_words":0,"voices":[],"commands":[{"label":"","start_ms":5,"end_ms":9}]}"#, "command 0"),
        ]
        for (json, message) in bad {
            XCTAssertThrowsError(try StreamTruth.decode(Data(json.utf8)), json) { e in
                XCTAssertTrue("\(e)".contains(message), "\(json): \(e)")
            }
        }
    }
}
