import XCTest
@testable import EdgeAudio

/// Synthetic scenes: steady background noise with tone bursts (speech-like: energy in a few
/// bands) and loud white-noise bursts (not speech).
final class VoiceActivityDetectorTests: XCTestCase {
    private func decisions(_ audio: [Float]) -> [Bool] {
        var fe = LogMelFrontend()
        var vad = VoiceActivityDetector()
        return vad.process(features: fe.features(audio))
    }

    private func noise(_ count: Int, level: Float, rng: inout TestRandom) -> [Float] {
        (0..<count).map { _ in rng.float() * level }
    }

    func testToneBurstsAreSpeechNoiseIsNot() {
        var rng = TestRandom(state: 3)
        var audio = noise(16_000 * 3, level: 0.01, rng: &rng)
        let bursts = [(16_000, 4_800), (32_000, 3_200)]   // 300 ms at 1 s, 200 ms at 2 s
        for (start, n) in bursts {
            let tone = sine(440, rate: 16_000, count: n, amplitude: 0.3)
            for i in 0..<n { audio[start + i] += tone[i] }
        }
        let d = decisions(audio)
        let frame = { (sample: Int) in sample / 160 }
        for (start, n) in bursts {
            // Speech from the onset (2 frames, + 2 for the window overlap) to the end of the burst.
            for f in (frame(start) + 4)..<frame(start + n) { XCTAssertTrue(d[f], "frame \(f) inside a burst") }
            // Hangover: 20 frames after the burst, then silence again.
            XCTAssertTrue(d[frame(start + n) + 10])
            for f in (frame(start + n) + 25)..<min(d.count, frame(start + n) + 60) { XCTAssertFalse(d[f], "frame \(f) after a burst") }
        }
        // Frames whose window ends before the first burst hear only noise.
        XCTAssertEqual(d[..<frame(16_000 - 400)].filter { $0 }.count, 0, "noise-only first second")
    }

    func testLoudWhiteNoiseBurstIsNotSpeech() {
        var rng = TestRandom(state: 4)
        var audio = noise(16_000 * 2, level: 0.005, rng: &rng)
        for i in 16_000..<20_800 { audio[i] = rng.float() * 0.4 }   // +38 dB, flat spectrum
        let d = decisions(audio)
        XCTAssertEqual(d.filter { $0 }.count, 0)
    }

    func testDigitalSilenceIsNotSpeech() {
        XCTAssertEqual(decisions([Float](repeating: 0, count: 16_000)).filter { $0 }.count, 0)
    }

    func testResetClearsTheDecision() {
        var fe = LogMelFrontend()
        var vad = VoiceActivityDetector()
        let quiet = fe.features([Float](repeating: 0, count: 4_000))
        let loud = fe.features(sine(300, rate: 16_000, count: 4_000, amplitude: 0.5))
        _ = vad.process(features: quiet)
        XCTAssertTrue(vad.process(features: loud).last!)
        vad.reset()
        XCTAssertFalse(vad.isSpeech)
    }
}

