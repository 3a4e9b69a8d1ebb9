import EdgeAudio
import Foundation
import XCTest

/// Synthetic test audio at 16 kHz with known speech boundaries.
enum TestAudio {
    static let rate = 16_000

    /// A voiced-speech-like sound: a 150 Hz harmonic series up to 3 kHz with 1/k amplitudes
    /// and 10 ms ramps (voiced speech concentrates energy in harmonics, so the VAD takes it).
    static func voiced(ms: Int, f0: Double = 150, amplitude: Float = 0.25) -> [Float] {
        let n = ms * rate / 1000
        let ramp = rate / 100
        let harmonics = Int(3000 / f0)
        return (0..<n).map { i in
            let t = Double(i) / Double(rate)
            var s = 0.0
            for k in 1...harmonics { s += sin(2 * .pi * f0 * Double(k) * t) / Double(k) }
            let env = Float(min(1, Double(min(i, n - 1 - i)) / Double(ramp)))
            return amplitude * env * Float(s) / 2
        }
    }

    static func silence(ms: Int) -> [Float] { [Float](repeating: 0, count: ms * rate / 1000) }

    /// Words (sample arrays) separated by silences: `lead` ms, then word, `gap` ms, … , `tail` ms.
    /// Returns the audio and each word's (start, end) in ms.
    static func sequence(_ words: [[Float]], lead: Int = 500, gap: Int = 900, tail: Int = 1200) -> (samples: [Float], segments: [(start: Int, end: Int)]) {
        var out = silence(ms: lead)
        var segments: [(Int, Int)] = []
        for (i, w) in words.enumerated() {
            let start = out.count * 1000 / rate
            out += w
            segments.append((start, out.count * 1000 / rate))
            out += silence(ms: i == words.count - 1 ? tail : gap)
        }
        return (out, segments)
    }

    /// Float samples as s16 (what ALSA delivers).
    static func s16(_ x: [Float]) -> [Int16] {
        x.map { Int16(max(-32768, min(32767, ($0 * 32768).rounded()))) }
    }

    /// `word` spoken by espeak-ng, resampled to 16 kHz mono with EdgeAudio and trimmed to its
    /// audible part (so the word's boundaries are known). Skips the test without espeak-ng.
    /// `voice` is an espeak-ng voice such as `en-us+m4` (default: espeak-ng's own default).
    static func espeak(_ word: String, voice: String? = nil, directory: String) throws -> [Float] {
        let path = "\(directory)/\(word).wav"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["espeak-ng"] + (voice.map { ["-v", $0] } ?? []) + ["-w", path, word]
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { throw XCTSkip("espeak-ng cannot run: \(error)") }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw XCTSkip("espeak-ng is not installed (apt: espeak-ng)") }
        let clip = try WAVDecoder.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path)))).monoResampled(to: rate)
        let x = clip.samples
        let loud: (Float) -> Bool = { abs($0) > 0.02 }
        guard let first = x.firstIndex(where: loud), let last = x.lastIndex(where: loud) else { return [] }
        return Array(x[first...last])
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "edgevoice-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
