import Foundation
import XCTest
@testable import EdgeVoice

/// Issue 7's first bar with the trained model: spoken commands captured through real libasound
/// (the `file` plugin, see `AlsaEndToEndTests`) and recognised by the trained student come out
/// as exactly those commands, in order.
extension AlsaEndToEndTests {
    /// espeak-ng `en-us+m4`: m4 is one of the data set's held-out `test` variants (never
    /// trained on; docs/SPEECH_DATA.md), so this is recognition of an unseen speaker.
    ///
    /// Detector: one threshold of 0.7 for every command. The shipped defaults are tuned for
    /// zero false events on a long stream (thresholds 0.77–0.97) and miss this voice's "yes"
    /// (its smoothed posterior peaks below 0.97): docs/VOICE.md "Measured" has the trade-off.
    func testTrainedModelRecognisesSpokenCommandsThroughLibasound() throws {
        let model = try TrainedSpeechModel.load()
        let said = ["yes", "stop", "left"]
        let words = try said.map { try TestAudio.espeak($0, voice: "en-us+m4", directory: dir) }
        let (audio, segments) = TestAudio.sequence(words, lead: 700, gap: 1200, tail: 1500)
        var options = StreamingRecognizer.Options()
        options.detector.defaultThreshold = 0.7
        options.detector.thresholds = [:]
        let (events, status) = try capture(audio, model: model, options: options)
        XCTAssertEqual(events.map(\.label), said, "events \(events.map { "\($0.label)@\($0.endMs)" }) for words at \(segments)")
        for (e, s) in zip(events, segments) {
            // Each event is decided while its word is heard or just after it, not on a neighbour.
            XCTAssertTrue(s.start <= e.endMs && e.endMs <= s.end + 300, "\(e.label) decided at \(e.endMs) ms, word at \(s)")
            XCTAssertEqual(e.variant, model.variant)
        }
        XCTAssertGreaterThan(status.modelRuns, 0)
    }
}
