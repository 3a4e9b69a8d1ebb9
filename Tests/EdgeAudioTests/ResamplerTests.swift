import EdgeRuntime
import XCTest
@testable import EdgeAudio

/// Sines through the resampler: in the passband frequency, phase and amplitude come out as an
/// ideal sine at the new rate; above the output Nyquist almost nothing comes out.
final class ResamplerTests: XCTestCase {
    private let pairs = [(44_100, 16_000), (48_000, 16_000), (22_050, 16_000), (8_000, 16_000), (11_025, 16_000),
                         (192_000, 16_000), (16_000, 44_100), (8_001, 16_000)]

    /// Max |error| against the ideal sine, away from the edges (where the input stops).
    private func passbandError(from: Int, to: Int, freq: Double) throws -> Float {
        let r = try Resampler(from: from, to: to)
        let seconds = 0.2
        let y = r.process(sine(freq, rate: from, count: Int(seconds * Double(from)), phase: 0.3))
        let ideal = sine(freq, rate: to, count: y.count, phase: 0.3)
        let margin = to / 50  // 20 ms: the filter reaches about 4 ms past the input's ends
        return (margin..<(y.count - margin)).map { abs(y[$0] - ideal[$0]) }.max() ?? 1
    }

    func testPassbandSinesArePreserved() throws {
        for (from, to) in pairs {
            for freq in [100.0, 1000.0, 3300.0, 7000.0] where freq < 0.45 * Double(min(from, to)) {
                // 0.5-amplitude sine; 2e-3 is −48 dB relative: amplitude and phase both right.
                let err = try passbandError(from: from, to: to, freq: freq)
                XCTAssertLessThan(err, 2e-3, "\(from)→\(to) at \(freq) Hz")
            }
        }
    }

    func testNoAliasingAboveOutputNyquist() throws {
        // Stated level: a tone from 8.4 kHz up comes out at least 80 dB down (measured: 88–123 dB).
        for from in [44_100, 48_000, 22_050, 192_000] {
            let r = try Resampler(from: from, to: 16_000)
            for freq in [8_400.0, 10_000.0, 15_000.0, 0.45 * Double(from)] where freq < 0.5 * Double(from) {
                let y = r.process(sine(freq, rate: from, count: from / 5, amplitude: 0.5))
                let mid = y[(y.count / 10)..<(y.count * 9 / 10)]
                let rms = (mid.map { Double($0 * $0) }.reduce(0, +) / Double(mid.count)).squareRoot()
                let db = 20 * log10(rms / (0.5 / 2.0.squareRoot()))
                XCTAssertLessThan(db, -80, "\(from) Hz input, \(freq) Hz tone: \(db) dB")
            }
        }
    }

    func testLengthAndIdentity() throws {
        let r = try Resampler(from: 44_100, to: 16_000)
        XCTAssertEqual(r.outputCount(forInput: 44_100), 16_000)
        XCTAssertEqual(r.process([Float](repeating: 0.1, count: 441)).count, 160)
        XCTAssertEqual(r.process([]), [])
        let same = try Resampler(from: 16_000, to: 16_000)
        XCTAssertEqual(same.process([1, 2, 3]), [1, 2, 3])
    }

    func testRejectsRatesOutsideTheRange() {
        XCTAssertThrowsError(try Resampler(from: 0, to: 16_000)) { XCTAssertEqual(($0 as? EdgeError)?.code, .invalidAudio) }
        XCTAssertThrowsError(try Resampler(from: 16_000, to: 400_000))
    }

    func testClipMonoResampled() throws {
        let stereo = try AudioClip(sampleRate: 48_000, channels: 2, samples: (0..<9600).map { $0 % 2 == 0 ? 0.2 : 0.4 })
        let out = try stereo.monoResampled(to: 16_000)
        XCTAssertEqual(out.channels, 1)
        XCTAssertEqual(out.frameCount, 1600)
        XCTAssertEqual(out.samples[800], 0.3, accuracy: 1e-3)
    }
}
