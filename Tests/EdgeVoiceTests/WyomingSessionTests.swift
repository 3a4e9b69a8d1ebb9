import EdgeAudio
import EdgeRuntime
import XCTest
@testable import EdgeVoice

final class WyomingSessionTests: XCTestCase {
    func session() throws -> WyomingSession {
        WyomingSession(provider: FixedSpeechModel(try EnergyKeyedModel.model()))
    }

    func pcm16(_ x: [Float]) -> [UInt8] {
        TestAudio.s16(x).withUnsafeBytes { Array($0) }
    }

    /// Streams `audio` in chunks; returns every reply.
    func stream(_ s: WyomingSession, _ bytes: [UInt8], rate: Int, channels: Int, chunk: Int = 2048) -> [WyomingEvent] {
        let format: [String: JSONValue] = ["rate": .number(Double(rate)), "width": .number(2), "channels": .number(Double(channels))]
        var out = s.handle(WyomingEvent(type: "audio-start", data: format))
        var i = 0
        while i < bytes.count {
            let n = min(chunk, bytes.count - i)
            out += s.handle(WyomingEvent(type: "audio-chunk", data: format, payload: Array(bytes[i..<(i + n)])))
            i += n
        }
        return out + s.handle(WyomingEvent(type: "audio-stop"))
    }

    func testDescribeListsTheCommandWords() throws {
        let info = try XCTUnwrap(try session().handle(WyomingEvent(type: "describe")).first)
        XCTAssertEqual(info.type, "info")
        guard case .array(let wake)? = info.data["wake"], case .object(let program)? = wake.first,
              case .array(let models)? = program["models"] else { return XCTFail("no wake program: \(info.data)") }
        let names = models.compactMap { m -> String? in if case .object(let o) = m { return o["name"]?.stringValue }; return nil }
        XCTAssertEqual(names, ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"])
        XCTAssertNotNil(info.data["asr"])
    }

    func testStreamedCommandsGiveDetectionsAndATranscript() throws {
        let (audio, _) = TestAudio.sequence([TestAudio.voiced(ms: 400), TestAudio.voiced(ms: 400)])
        let replies = stream(try session(), pcm16(audio), rate: 16_000, channels: 1)
        XCTAssertEqual(replies.map(\.type), ["detection", "detection", "transcript"])
        XCTAssertEqual(replies[0].data["name"], .string("yes"))
        XCTAssertEqual(replies[2].data["text"], .string("yes yes"))
    }

    func testOtherRatesAndChannelsAreDownmixedAndResampled() throws {
        let (audio16, segments) = TestAudio.sequence([TestAudio.voiced(ms: 500)])
        let up = try AudioClip(mono: audio16, sampleRate: 16_000).monoResampled(to: 44_100).samples
        let stereo = up.flatMap { [$0, $0] }
        let replies = stream(try session(), pcm16(stereo), rate: 44_100, channels: 2)
        XCTAssertEqual(replies.map(\.type), ["detection", "transcript"])
        let ts = try XCTUnwrap(replies[0].data["timestamp"]?.intValue)
        XCTAssertTrue(segments[0].start...(segments[0].end + 300) ~= ts, "\(ts) vs \(segments[0])")
    }

    func testSilenceIsNotDetected() throws {
        let replies = stream(try session(), pcm16(TestAudio.silence(ms: 1500)), rate: 16_000, channels: 1)
        XCTAssertEqual(replies.map(\.type), ["not-detected", "transcript"])
        XCTAssertEqual(replies[1].data["text"], .string(""))
    }

    func testDetectNamesFilterDetections() throws {
        let s = try session()
        XCTAssertEqual(s.handle(WyomingEvent(type: "detect", data: ["names": .array([.string("stop")])])), [])
        let replies = stream(s, pcm16(TestAudio.sequence([TestAudio.voiced(ms: 400)]).samples), rate: 16_000, channels: 1)
        XCTAssertEqual(replies.map(\.type), ["not-detected", "transcript"])
    }

    func testBadAudioIsAnErrorAndTheSessionContinues() throws {
        let s = try session()
        XCTAssertEqual(s.handle(WyomingEvent(type: "audio-start", data: ["rate": .number(16000)])).map(\.type), ["error"])
        let bad: [String: JSONValue] = ["rate": .number(16000), "width": .number(3), "channels": .number(1)]
        XCTAssertEqual(s.handle(WyomingEvent(type: "audio-start", data: bad)).map(\.type), ["error"])
        XCTAssertEqual(s.handle(WyomingEvent(type: "audio-start", data: ["rate": .number(1), "width": .number(2), "channels": .number(1)])).map(\.type), ["error"])
        XCTAssertEqual(s.handle(WyomingEvent(type: "audio-stop")).map(\.type), ["error"], "stop without start")
        let ok: [String: JSONValue] = ["rate": .number(16000), "width": .number(2), "channels": .number(2)]
        XCTAssertEqual(s.handle(WyomingEvent(type: "audio-start", data: ok)), [])
        XCTAssertEqual(s.handle(WyomingEvent(type: "audio-chunk", data: ok, payload: [1, 2, 3])).map(\.type), ["error"], "partial frame")
        XCTAssertEqual(s.handle(WyomingEvent(type: "unknown-thing")), [], "unknown events are ignored")
        XCTAssertEqual(s.handle(WyomingEvent(type: "ping", data: ["text": .string("hi")])), [WyomingEvent(type: "pong", data: ["text": .string("hi")])])
        XCTAssertEqual(s.handle(WyomingEvent(type: "audio-stop")).map(\.type), ["not-detected", "transcript"])
    }

    func testBufferedStreamsAreCapped() throws {
        let s = WyomingSession(provider: FixedSpeechModel(try EnergyKeyedModel.model()), maxBufferedSeconds: 1)
        let f: [String: JSONValue] = ["rate": .number(8000), "width": .number(2), "channels": .number(1)]
        _ = s.handle(WyomingEvent(type: "audio-start", data: f))
        let second = [UInt8](repeating: 0, count: 16_000)
        XCTAssertEqual(s.handle(WyomingEvent(type: "audio-chunk", data: f, payload: second)), [])
        let over = s.handle(WyomingEvent(type: "audio-chunk", data: f, payload: [0, 0]))
        XCTAssertEqual(over.first?.data["code"], .string("too_large"))
    }
}
