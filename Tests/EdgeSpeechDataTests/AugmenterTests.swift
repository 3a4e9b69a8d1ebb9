import XCTest
@testable import EdgeSpeechData

final class AugmenterTests: XCTestCase {
    /// A fake "word": 0.3 s of a 250 Hz buzz with 0.1 s of silence either side.
    private let word: [Float] = [Float](repeating: 0, count: 1600)
        + (0..<4800).map { Float(0.6 * sin(2 * Double.pi * 250 * Double($0) / 16_000)) }
        + [Float](repeating: 0, count: 1600)

    func testWordClipIsOneSecondAndRecordsWhatItDid() {
        var seen = Set<String>()
        for seed in 0..<40 as Range<UInt64> {
            var rng = SeededRandom(seed: seed)
            let (x, p) = Augmenter.word(word, rng: &rng)
            XCTAssertEqual(x.count, 16_000)
            XCTAssertTrue(x.allSatisfy { $0.isFinite && abs($0) <= 1 })
            let shift = try! XCTUnwrap(p.shiftSamples)
            XCTAssertTrue((0...(16_000 - 4800)).contains(shift))
            if p.noise == nil && p.reverbRT60 == nil {
                // Dry and clean: the word sits exactly at the shift (trim keeps 160 samples of lead-in).
                let peak = x.map(abs).max()!
                XCTAssertEqual(Double(20 * log10(peak)), p.peakDB!, accuracy: 0.01)
                XCTAssertLessThan(abs(x[shift + 80]), 1e-4)
                XCTAssertGreaterThan(rms(x[(shift + 160)..<(shift + 1760)]), 0.5 * peak)
                seen.insert("dry")
            }
            // Babble is gated at syllable rate, so a noise-only stretch does not measure its RMS.
            if let snr = p.snrDB, p.reverbRT60 == nil, p.noise != .babble, let shift = p.shiftSamples {
                // Measured SNR: speech region vs. the noise-only region before/after it.
                let noiseOnly = shift > 2000 ? Array(x[..<(shift - 10)]) : Array(x[(shift + 5000)...])
                let speech = rms(x[(shift + 160)..<(shift + 4960)])
                let n = rms(noiseOnly)
                let measured = 20 * log10(Double(speech / max(n, 1e-9)))
                XCTAssertEqual(measured, snr, accuracy: 2.0, "seed \(seed) \(p.noise!)")
                seen.insert("noise")
            }
            if p.reverbRT60 != nil { seen.insert("reverb") }
        }
        XCTAssertEqual(seen, ["dry", "noise", "reverb"], "40 seeds cover every path")
    }

    func testSameSeedSameClip() {
        var a = SeededRandom(seed: 77), b = SeededRandom(seed: 77)
        XCTAssertEqual(Augmenter.word(word, rng: &a).samples, Augmenter.word(word, rng: &b).samples)
        XCTAssertEqual(Augmenter.silence(rng: &a).samples, Augmenter.silence(rng: &b).samples)
    }

    func testSilenceLevelMatchesItsRecord() {
        for seed in 0..<10 as Range<UInt64> {
            var rng = SeededRandom(seed: seed)
            let (x, p) = Augmenter.silence(rng: &rng)
            XCTAssertEqual(x.count, 16_000)
            XCTAssertNil(p.shiftSamples)
            let level = 20 * log10(Double(max(rms(x), 1e-12)))
            // 16-bit rounding dominates at −80 dBFS.
            XCTAssertEqual(level, p.noiseDBFS!, accuracy: p.noiseDBFS! < -70 ? 6 : 0.5)
        }
    }

    func testReverbTailDecays() {
        var rng = SeededRandom(seed: 1)
        let impulse = [Float(1)] + [Float](repeating: 0, count: 99)
        let y = Augmenter.reverberate(impulse, rt60: 0.5, wet: 0.5, rng: &rng)
        XCTAssertEqual(y.count, 100 + 8000)
        XCTAssertEqual(y[0], 1)
        let early = rms(y[100..<2000]), late = rms(y[6000..<8000])
        XCTAssertGreaterThan(early, 10 * late)   // −60 dB over 0.5 s: later quarters are far weaker
        let tailEnergy = y[1...].reduce(0) { $0 + $1 * $1 }
        XCTAssertEqual(tailEnergy.squareRoot(), 0.5, accuracy: 1e-4)   // unit-energy tail × wet
    }

    func testNoiseKindsHaveTheirSpectralShape() {
        func bandRMS(_ x: [Float], lowPass: Bool) -> Float {
            // One-pole split at ~1 kHz: crude, but the slopes differ by orders of magnitude.
            var s: Float = 0
            let a: Float = 0.33
            let low = x.map { v -> Float in s += a * (v - s); return s }
            return lowPass ? rms(low) : rms(zip(x, low).map { $0 - $1 })
        }
        var ratios = [NoiseKind: Float]()
        for kind in NoiseKind.allCases {
            var rng = SeededRandom(seed: 3)
            let x = NoiseGenerator.make(kind, count: 16_000, rng: &rng)
            XCTAssertEqual(rms(x), 1, accuracy: 1e-3, "\(kind) is unit RMS")
            ratios[kind] = bandRMS(x, lowPass: true) / bandRMS(x, lowPass: false)
        }
        XCTAssertLessThan(ratios[.white]!, ratios[.pink]!)
        XCTAssertLessThan(ratios[.pink]!, ratios[.brown]!)
        XCTAssertGreaterThan(ratios[.hum]!, 10)   // 50/60 Hz and harmonics
    }
}
