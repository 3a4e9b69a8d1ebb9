import XCTest
@testable import EdgeAudio

final class RealFFTTests: XCTestCase {
    func testMatchesNaiveDFT() {
        var rng = TestRandom(state: 42)
        for size in [4, 8, 16, 64, 256, 512, 1024] {
            let x = (0..<size).map { _ in rng.float() }
            var fft = RealFFT(size: size)
            var power = [Float](repeating: 0, count: size / 2 + 1)
            x.withUnsafeBufferPointer { xs in power.withUnsafeMutableBufferPointer { fft.powerSpectrum(xs, into: $0) } }
            for k in 0...(size / 2) {
                var re = 0.0, im = 0.0
                for n in 0..<size {
                    let a = -2 * Double.pi * Double(k * n) / Double(size)
                    re += Double(x[n]) * cos(a)
                    im += Double(x[n]) * sin(a)
                }
                let want = re * re + im * im
                XCTAssertEqual(Double(power[k]), want, accuracy: 1e-4 * max(1, want), "size \(size) bin \(k)")
            }
        }
    }

    func testToneLandsInItsBin() {
        var fft = RealFFT(size: 512)
        let x = sine(16_000.0 * 40 / 512, rate: 16_000, count: 512, amplitude: 1)
        var power = [Float](repeating: 0, count: 257)
        x.withUnsafeBufferPointer { xs in power.withUnsafeMutableBufferPointer { fft.powerSpectrum(xs, into: $0) } }
        XCTAssertEqual(power.indices.max { power[$0] < power[$1] }, 40)
        XCTAssertEqual(power[40], 256 * 256, accuracy: 1)   // (N/2 · amplitude)²
    }
}
