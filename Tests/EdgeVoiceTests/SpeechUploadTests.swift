import EdgeAudio
import EdgeRuntime
import XCTest
@testable import EdgeVoice

final class SpeechUploadTests: XCTestCase {
    let provider = { () throws -> FixedSpeechModel in FixedSpeechModel(try EnergyKeyedModel.model()) }

    func testWAVAtAnyRateAndRawPCMGiveTheSameCommands() throws {
        let (audio, segments) = TestAudio.sequence([TestAudio.voiced(ms: 400), TestAudio.voiced(ms: 400)])
        let raw = TestAudio.s16(audio).withUnsafeBytes { Array($0) }
        let fromRaw = try SpeechUpload.recognize(raw, provider: provider())
        XCTAssertEqual(fromRaw.count, segments.count)
        let wav48 = WAVEncoder.encode(try AudioClip(mono: audio, sampleRate: 16_000).monoResampled(to: 48_000))
        let fromWAV = try SpeechUpload.recognize(wav48, provider: provider())
        XCTAssertEqual(fromWAV.map(\.label), fromRaw.map(\.label))
        for (a, b) in zip(fromWAV, fromRaw) { XCTAssertLessThanOrEqual(abs(a.startMs - b.startMs), 20) }
    }

    func testBadUploadsAreClearErrors() throws {
        XCTAssertThrowsError(try SpeechUpload.recognize([1, 2, 3], provider: provider())) {
            XCTAssertEqual(($0 as? EdgeError)?.code, .invalidAudio)
        }
        var truncated = WAVEncoder.encode(try AudioClip(mono: TestAudio.silence(ms: 100), sampleRate: 16_000))
        truncated.removeLast(truncated.count - 30)
        XCTAssertThrowsError(try SpeechUpload.recognize(truncated, provider: provider()))
        XCTAssertThrowsError(try SpeechUpload.recognize([0, 0], provider: SwitchableProvider(nil))) {
            XCTAssertEqual(($0 as? EdgeError)?.code, .unsupported)
        }
    }
}
