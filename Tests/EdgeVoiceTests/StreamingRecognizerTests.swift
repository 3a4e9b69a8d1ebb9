import EdgeRuntime
import EdgeTestSupport
import Synchronization
import XCTest
@testable import EdgeVoice

/// A provider whose model can be swapped while recognizing (the governor's role).
final class SwitchableProvider: SpeechModelProvider {
    let current: Mutex<SpeechModel?>
    init(_ m: SpeechModel?) { current = Mutex(m) }
    func set(_ m: SpeechModel?) { current.withLock { $0 = m } }
    func currentSpeechModel() -> SpeechModel? { current.withLock { $0 } }
}

final class StreamingRecognizerTests: XCTestCase {
    func recognizer(_ provider: any SpeechModelProvider) -> StreamingRecognizer {
        StreamingRecognizer(provider: provider)
    }

    func testOneEventPerWordAtTheSpeechSegments() throws {
        let (audio, segments) = TestAudio.sequence([TestAudio.voiced(ms: 400), TestAudio.voiced(ms: 600), TestAudio.voiced(ms: 300)])
        let r = recognizer(FixedSpeechModel(try EnergyKeyedModel.model()))
        let events = r.recognize(samples: audio)
        XCTAssertEqual(events.count, segments.count, "\(events)")
        for (e, s) in zip(events, segments) {
            XCTAssertEqual(e.label, "yes")
            XCTAssertEqual(e.variant, "energy-test")
            XCTAssertGreaterThan(e.confidence, 0.7)
            XCTAssertLessThanOrEqual(abs(e.startMs - s.start), 40, "start \(e.startMs) vs word at \(s.start)")
            XCTAssertGreaterThan(e.endMs, e.startMs)
            XCTAssertLessThanOrEqual(e.endMs, s.end + 250, "decided within the word or its VAD hangover")
        }
        XCTAssertNil(r.lastError)
    }

    func testSilenceRunsNoModel() throws {
        let r = recognizer(FixedSpeechModel(try EnergyKeyedModel.model()))
        let events = r.recognize(samples: TestAudio.silence(ms: 3000))
        XCTAssertEqual(events, [])
        XCTAssertEqual(r.modelRuns, 0, "the VAD gate keeps the model off during silence")
        XCTAssertGreaterThan(r.framesProcessed, 290)
    }

    func testModelRunsEveryHopDuringSpeech() throws {
        var options = StreamingRecognizer.Options()
        options.hopFrames = 2
        let r = StreamingRecognizer(provider: FixedSpeechModel(try EnergyKeyedModel.model()), options: options)
        _ = r.recognize(samples: TestAudio.silence(ms: 300) + TestAudio.voiced(ms: 1000) + TestAudio.silence(ms: 500))
        // ~1 s of speech plus the 200 ms hangover at one run per 20 ms: 55–65 runs.
        XCTAssertTrue((50...66).contains(r.modelRuns), "\(r.modelRuns) runs")
    }

    func testLongWordYieldsOneEvent() throws {
        let r = recognizer(FixedSpeechModel(try EnergyKeyedModel.model()))
        XCTAssertEqual(r.recognize(samples: TestAudio.sequence([TestAudio.voiced(ms: 3000)]).samples).count, 1)
    }

    func testChunkedStreamingMatchesBatch() throws {
        let (audio, _) = TestAudio.sequence([TestAudio.voiced(ms: 400), TestAudio.voiced(ms: 500)])
        let model = try EnergyKeyedModel.model()
        let batch = recognizer(FixedSpeechModel(model)).recognize(samples: audio)
        let r = recognizer(FixedSpeechModel(model))
        var rng = SeededRandom(seed: 7)
        var streamed: [VoiceCommand] = []
        var i = 0
        let s16 = TestAudio.s16(audio)
        while i < s16.count {
            let n = min(s16.count - i, 1 + Int(rng.next() % 900))
            s16[i..<(i + n)].withUnsafeBufferPointer { r.push(s16: $0) { streamed.append($0) } }
            i += n
        }
        r.finish { streamed.append($0) }
        XCTAssertEqual(streamed.map(\.label), batch.map(\.label))
        XCTAssertEqual(streamed.map(\.startMs), batch.map(\.startMs))
        XCTAssertEqual(streamed.map(\.endMs), batch.map(\.endMs))
    }

    func testVariantSwitchIsRecordedInEvents() throws {
        let provider = SwitchableProvider(try EnergyKeyedModel.model(variant: "teacher"))
        let r = recognizer(provider)
        var events: [VoiceCommand] = []
        let (audio, _) = TestAudio.sequence([TestAudio.voiced(ms: 400)], tail: 300)
        audio.withUnsafeBufferPointer { r.push($0) { events.append($0) } }
        provider.set(try EnergyKeyedModel.model(variant: "int8", target: 3))
        audio.withUnsafeBufferPointer { r.push($0) { events.append($0) } }
        r.finish { events.append($0) }
        XCTAssertEqual(events.map(\.variant), ["teacher", "int8"])
        XCTAssertEqual(events.map(\.label), ["yes", "no"])
    }

    func testMissingModelIsReportedNotFatal() throws {
        let r = recognizer(SwitchableProvider(nil))
        XCTAssertEqual(r.recognize(samples: TestAudio.sequence([TestAudio.voiced(ms: 400)]).samples), [])
        XCTAssertEqual(r.lastError, "no speech model is loaded")
    }

    func testModelBreakingTheContractIsRejected() throws {
        var g = Graph(name: "wrong", inputs: [ValueInfo(name: "features", dtype: .float32, shape: [.fixed(1), .fixed(49), .fixed(40)])],
                      outputs: [ValueInfo(name: "logits", dtype: .float32, shape: nil)])
        g.nodes = [Node(name: "id", op: "Identity", inputs: ["features"], outputs: ["logits"])]
        let bad = SpeechModel(session: try InferenceSession(graph: g), labels: ["a"], variant: "bad")
        XCTAssertThrowsError(try bad.validate())
        let r = recognizer(FixedSpeechModel(bad))
        XCTAssertEqual(r.recognize(samples: TestAudio.sequence([TestAudio.voiced(ms: 400)]).samples), [])
        XCTAssertTrue(r.lastError?.contains("unusable") == true, r.lastError ?? "")
    }

    func testGapEndsTheSegmentAndAdvancesTime() throws {
        let r = recognizer(FixedSpeechModel(try EnergyKeyedModel.model()))
        var events: [VoiceCommand] = []
        TestAudio.silence(ms: 200).withUnsafeBufferPointer { r.push($0) { events.append($0) } }
        r.skip(samples: 16_000)
        XCTAssertEqual(r.nowMs, 1200)
        (TestAudio.voiced(ms: 400) + TestAudio.silence(ms: 400)).withUnsafeBufferPointer { r.push($0) { events.append($0) } }
        XCTAssertEqual(events.count, 1)
        XCTAssertLessThanOrEqual(abs(events[0].startMs - 1200), 40)
    }

    func testSteadyStateAllocatesNothing() throws {
        #if DEBUG
        throw XCTSkip("allocation-free recognition is checked in optimised builds (make test uses -c release)")
        #else
        let r = recognizer(FixedSpeechModel(try EnergyKeyedModel.model()))
        let speech = TestAudio.s16(TestAudio.silence(ms: 300) + TestAudio.voiced(ms: 2000))
        var count = 0
        // Warm up: binds the model, compiles the plan, fires the one event of this segment.
        speech[0..<12_800].withUnsafeBufferPointer { r.push(s16: $0) { _ in count += 1 } }
        XCTAssertEqual(count, 1)
        let runs = r.modelRuns
        let allocations = countAllocations {
            speech[12_800...].withUnsafeBufferPointer { r.push(s16: $0) { _ in count += 1 } }
        }
        XCTAssertGreaterThan(r.modelRuns, runs + 20, "the model ran during the measured part")
        if let a = allocations { XCTAssertEqual(a, 0) }
        #endif
    }
}
