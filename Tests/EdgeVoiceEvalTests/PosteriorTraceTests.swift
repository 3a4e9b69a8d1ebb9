import EdgeRuntime
import EdgeVoice
import Foundation
import XCTest
@testable import EdgeVoiceEval

/// Replaying a recorded trace gives exactly the live recognizer's events, for any detector
/// options; the tuner finds thresholds that separate true commands from a false bump.
final class PosteriorTraceTests: XCTestCase {
    static let labels = ["_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]

    /// logits = (newest log-mel frame) · W, W seeded: posteriors follow the spectrum, so tones
    /// of different pitch favour different labels.
    func spectralModel() throws -> SpeechModel {
        let bands = StreamingRecognizer.bands, frames = StreamingRecognizer.windowFrames
        var g = Graph(name: "spectral",
                      inputs: [ValueInfo(name: "features", dtype: .float32, shape: [.fixed(1), .fixed(1), .fixed(frames), .fixed(bands)])],
                      outputs: [ValueInfo(name: "logits", dtype: .float32, shape: [.fixed(1), .fixed(Self.labels.count)])])
        var rng = SplitMix64(seed: 7)
        let w = (0..<(bands * Self.labels.count)).map { _ in Float(Double(rng.next() % 2001) / 1000 - 1) * 0.4 }
        g.initializers = [
            "starts": try Tensor([Int64(frames - 1)], shape: [1]), "ends": try Tensor([Int64(frames)], shape: [1]),
            "axes": try Tensor([Int64(2)], shape: [1]), "shape": try Tensor([Int64(1), Int64(bands)], shape: [2]),
            "w": try Tensor(w, shape: [bands, Self.labels.count]),
        ]
        g.nodes = [
            Node(name: "last", op: "Slice", inputs: ["features", "starts", "ends", "axes"], outputs: ["last"]),
            Node(name: "flat", op: "Reshape", inputs: ["last", "shape"], outputs: ["flat"]),
            Node(name: "logits", op: "MatMul", inputs: ["flat", "w"], outputs: ["logits"]),
        ]
        return SpeechModel(session: try InferenceSession(graph: g), labels: Self.labels, variant: "spectral")
    }

    /// Harmonic tones of several pitches and lengths separated by silence (10 s).
    func toneStream() -> [Int16] {
        var x = [Float](repeating: 0, count: 16_000 / 2)
        for (i, f0) in [110.0, 170, 240, 320, 150, 410, 200, 290, 130, 360].enumerated() {
            let n = 16 * (250 + 60 * (i % 5))
            for j in 0..<n {
                let t = Double(j) / 16_000
                var s = 0.0
                for k in 1...8 { s += sin(2 * .pi * f0 * Double(k) * t) / Double(k) }
                x.append(Float(0.2 * s * min(1, Double(min(j, n - 1 - j)) / 160)))
            }
            x += [Float](repeating: 0, count: 16 * (300 + 90 * (i % 4)))
        }
        return UnpacedRun.s16(x)
    }

    func testReplayEqualsLiveForEveryOptionSet() throws {
        let model = try spectralModel()
        let audio = toneStream()
        let recorder = StreamingRecognizer(provider: FixedSpeechModel(model))
        let trace = PosteriorTrace()
        trace.record(recorder)
        _ = UnpacedRun.run(audio, recognizer: recorder, timePeriods: false)
        XCTAssertEqual(trace.count, recorder.modelRuns)
        XCTAssertGreaterThan(trace.count, 50)
        var sets: [CommandDetector.Options] = []
        for k in [1, 3] {
            for t: Float in [0.15, 0.3, 0.6] {
                for once in [true, false] {
                    var o = CommandDetector.Options()
                    o.thresholds = [:]
                    o.smoothingHops = k
                    o.defaultThreshold = t
                    o.oncePerSegment = once
                    o.refractoryMs = once ? 1000 : 100
                    o.thresholds = ["go": t + 0.1]
                    sets.append(o)
                }
            }
        }
        var nonEmpty = 0
        for o in sets {
            var ro = StreamingRecognizer.Options()
            ro.detector = o
            let live = UnpacedRun.run(audio, recognizer: StreamingRecognizer(provider: FixedSpeechModel(model), options: ro), timePeriods: false).events
            let replayed = trace.replay(o, variant: "spectral")
            XCTAssertEqual(replayed, live, "options k=\(o.smoothingHops) t=\(o.defaultThreshold) once=\(o.oncePerSegment)")
            if !live.isEmpty { nonEmpty += 1 }
        }
        XCTAssertGreaterThan(nonEmpty, sets.count / 2, "the option sets must produce events to compare")
    }

    /// A hand-made trace: "yes" at 1 s and 5 s, "no" at 9 s (posterior 0.9), and a "no" bump
    /// (0.75) in unrelated speech at 13 s. The tuner must keep all three and drop the bump.
    func testTunerSeparatesCommandsFromAFalseBump() {
        let labels = ["_silence_", "_unknown_", "yes", "no"]
        let trace = PosteriorTrace()
        func segment(_ n: Int, at ms: Int, label: Int, peak: Float) {
            for hop in 0..<6 {
                var p: [Float] = [0.05, 0.9, 0.025, 0.025]
                if (1...4).contains(hop) { p = [0.02, 0.98 - peak, 0, 0]; p[label] = peak }
                p.withUnsafeBufferPointer { trace.append($0, endMs: ms + 30 * hop, segment: n, segmentStartMs: ms - 300, labels: labels) }
            }
        }
        segment(1, at: 1000, label: 2, peak: 0.85)
        segment(2, at: 5000, label: 2, peak: 0.8)
        segment(3, at: 9000, label: 3, peak: 0.9)
        segment(4, at: 13000, label: 3, peak: 0.75)
        let truth = StreamTruth(seed: 0, durationMs: 20_000, fillerWords: 1, voices: [], commands: [
            EmbeddedCommand(label: "yes", startMs: 800, endMs: 1100), EmbeddedCommand(label: "yes", startMs: 4800, endMs: 5100),
            EmbeddedCommand(label: "no", startMs: 8800, endMs: 9100),
        ])
        var base = CommandDetector.Options()
        base.defaultThreshold = 0.5
        base.thresholds = [:]
        XCTAssertEqual(StreamScorer.score(events: trace.replay(base), truth: truth).falseEvents.count, 1)
        let r = DetectorTuner.tune(trace, truth: truth, base: base)
        XCTAssertEqual(r.score.detected, 3)
        XCTAssertTrue(r.score.falseEvents.isEmpty)
        let no = r.options.thresholds["no"] ?? r.options.defaultThreshold
        XCTAssertGreaterThan(no, 0.75)
        XCTAssertLessThanOrEqual(no, 0.9)
        XCTAssertGreaterThan(r.evaluated, 100)
    }
}
