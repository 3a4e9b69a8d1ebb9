import EdgeTestSupport
import XCTest
@testable import EdgeAudio

final class LogMelFrontendTests: XCTestCase {
    typealias C = LogMelFrontend.Contract

    func testOneSecondGivesTheContractShape() {
        var fe = LogMelFrontend()
        XCTAssertEqual(LogMelFrontend.frameCount(samples: 16_000), 98)
        XCTAssertEqual(LogMelFrontend.frameCount(samples: 399), 0)
        XCTAssertEqual(fe.features([Float](repeating: 0, count: 16_000)).count, 98 * 40)
        // Silence is exactly log(1e-6) in every band.
        XCTAssertEqual(fe.features([Float](repeating: 0, count: 400)), [Float](repeating: log(1e-6), count: 40))
    }

    func testFilterbankEdgesAndPeaks() {
        let fb = LogMelFrontend().filterbank
        XCTAssertEqual(MelFilterbank.melToHz(MelFilterbank.hzToMel(1234)), 1234, accuracy: 1e-9)
        XCTAssertEqual(MelFilterbank.hzToMel(700), 2595 * log10(2), accuracy: 1e-9)
        // Bands are ordered and every band has at least one bin (512-point FFT at 16 kHz).
        XCTAssertEqual(fb.weights.filter(\.isEmpty).count, 0)
        XCTAssertEqual(fb.firstBin, fb.firstBin.sorted())
        XCTAssertGreaterThan(fb.bandWidths[39], fb.bandWidths[0])
    }

    func testToneEnergyPeaksInTheMatchingBand() {
        var fe = LogMelFrontend()
        let fb = fe.filterbank
        let lo = MelFilterbank.hzToMel(20), hi = MelFilterbank.hzToMel(7600)
        for band in [3, 17, 35] {
            let centre = MelFilterbank.melToHz(lo + (hi - lo) * Double(band + 1) / 41)
            let f = fe.features(sine(centre, rate: 16_000, count: 16_000))
            let row = Array(f[(50 * 40)..<(51 * 40)])
            let best = row.indices.max { row[$0] < row[$1] }!
            XCTAssertLessThanOrEqual(abs(best - band), 1, "tone at \(centre) Hz peaked in band \(best), band \(band) has \(fb.bandWidths[band]) bins")
        }
    }

    func testStreamingEqualsBatchForAnyChunking() {
        var rng = TestRandom(state: 7)
        let audio = (0..<16_000).map { _ in rng.float() * 0.3 } + sine(440, rate: 16_000, count: 3_217)
        var batchFE = LogMelFrontend()
        let batch = batchFE.features(audio)
        for chunking in [1, 7, 160, 400, 1023, 0] {
            var stream = LogMelStream()
            var frames = [Float]()
            var i = 0
            while i < audio.count {
                let n = chunking == 0 ? 1 + rng.int(2000) : chunking   // 0: random sizes
                let chunk = Array(audio[i..<min(audio.count, i + n)])
                stream.push(chunk) { frames.append(contentsOf: $0) }
                i += n
            }
            XCTAssertEqual(frames, batch, "chunk size \(chunking)")   // bit-identical
            XCTAssertEqual(stream.framesEmitted, LogMelFrontend.frameCount(samples: audio.count))
        }
    }

    func testS16PushMatchesFloatPush() {
        let ints: [Int16] = (0..<1200).map { Int16(truncatingIfNeeded: $0 &* 2654435761 >> 16) }
        var a = LogMelStream(), b = LogMelStream()
        var fa = [Float](), fb = [Float]()
        ints.withUnsafeBufferPointer { a.push(s16: $0) { fa.append(contentsOf: $0) } }
        b.push(ints.map { Float($0) / 32768 }) { fb.append(contentsOf: $0) }
        XCTAssertEqual(fa, fb)
        XCTAssertEqual(fa.count, 6 * 40)
    }

    func testStreamingPushIsAllocationFreeAfterWarmUp() throws {
        var stream = LogMelStream()
        var vad = VoiceActivityDetector()
        let chunk = sine(300, rate: 16_000, count: 320)   // 20 ms, an ALSA period
        var sink: Float = 0
        chunk.withUnsafeBufferPointer { c in
            stream.push(c) { f in sink += f[0]; vad.process(logMel: f) }   // warm-up
        }
        let allocations = countAllocations {
            chunk.withUnsafeBufferPointer { c in
                for _ in 0..<100 { stream.push(c) { f in sink += f[0]; vad.process(logMel: f) } }
            }
        }
        guard let allocations else { throw XCTSkip("allocation counting unavailable on this platform") }
        XCTAssertEqual(allocations, 0)
        XCTAssertTrue(sink.isFinite)
    }
}
