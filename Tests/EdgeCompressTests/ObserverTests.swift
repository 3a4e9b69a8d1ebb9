@testable import EdgeCompress
import EdgeRuntime
import EdgeTestSupport
import XCTest

/// Activation observers and quantization parameters against hand-computed values.
final class ObserverTests: XCTestCase {
    private func histogram(_ values: [Float], lo: Float, hi: Float, bins: Int = 2048, absolute: Bool = false) -> Histogram {
        var h = Histogram(lo: lo, hi: hi, bins: bins, absolute: absolute)
        values.withUnsafeBufferPointer { h.add($0) }
        return h
    }

    func testParametersContainZeroExactly() {
        // [−1, 3]: scale 4/255, zero point round(1 / (4/255)) = round(63.75) = 64.
        let p = ActivationQuantization.parameters(lo: -1, hi: 3, signed: false)
        XCTAssertEqual(p.scale, 4 / 255, accuracy: 1e-9)
        XCTAssertEqual(p.zeroPoint, 64)
        XCTAssertEqual(p.fakeQuantize(0), 0)
        // int8 storage: the same grid shifted by 128.
        XCTAssertEqual(ActivationQuantization.parameters(lo: -1, hi: 3, signed: true).zeroPoint, -64)
        // A positive-only range is widened to [0, hi]: zero point 0.
        XCTAssertEqual(ActivationQuantization.parameters(lo: 2, hi: 5.1, signed: false).zeroPoint, 0)
        XCTAssertEqual(ActivationQuantization.parameters(lo: 2, hi: 5.1, signed: false).scale, 0.02, accuracy: 1e-7)
        // An all-zero tensor gets scale 1.
        XCTAssertEqual(ActivationQuantization.parameters(lo: 0, hi: 0, signed: false).scale, 1)
        // Round trip of in-range values: error at most half a step; out of range clamps.
        for x: Float in stride(from: -1, through: 3, by: 0.013) { XCTAssertLessThanOrEqual(abs(p.fakeQuantize(x) - x), p.scale / 2 + 1e-6) }
        XCTAssertEqual(p.fakeQuantize(10), Float(255 - 64) * p.scale, accuracy: 1e-6)
    }

    func testMinMaxIsTheObservedRange() {
        var s = TensorStatistics()
        s.lo = -0.75; s.hi = 2.5
        let (lo, hi) = s.range(.minMax, signed: false)
        XCTAssertEqual(lo, -0.75); XCTAssertEqual(hi, 2.5)
    }

    func testPercentileClipsBothTails() {
        // 0, 1, …, 999 in 1000 unit bins over [0, 1000): keeping 99 % clips 5 values at each end → [5, 995].
        let h = histogram((0..<1000).map(Float.init), lo: 0, hi: 1000, bins: 1000)
        let (lo, hi) = RangeSelection.percentile(h, percent: 99)
        XCTAssertEqual(lo, 5, accuracy: 1e-3)
        XCTAssertEqual(hi, 995, accuracy: 1e-3)
        // 100 % keeps everything.
        let (l2, h2) = RangeSelection.percentile(h, percent: 100)
        XCTAssertEqual(l2, 0); XCTAssertEqual(h2, 1000, accuracy: 1e-3)
    }

    func testMSEClipsARareOutlierWhenThatLowersTheError() {
        // 200 000 values spread over [0, 1) and one at 10. Min/max: step 10/255 → error ≈ 200 000 · step²/12 ≈ 25.6;
        // clipping at ~1: error ≈ 0.26 + (10 − 1)² = 81.3 — worse; so weight the bulk 10× more to flip it.
        var values = (0..<2_000_000).map { Float($0 % 1000) / 1000 }
        values.append(10)
        let h = histogram(values, lo: 0, hi: 10)
        let (lo, hi) = RangeSelection.mse(h)
        XCTAssertEqual(lo, 0)
        XCTAssertLessThan(hi, 5, "a single outlier should be clipped")
        XCTAssertGreaterThanOrEqual(hi, 0.95, "the bulk [0, 1) must stay inside")
        XCTAssertLessThan(RangeSelection.error(h, lo, hi), RangeSelection.error(h, 0, 10))
    }

    func testEntropyThresholdIgnoresOutliers() {
        // |x| uniform on [0, 1) plus a few values at 20: the KL threshold lands near 1, not 20.
        var values: [Float] = (0..<100_000).map { (i: Int) -> Float in
            let v = Float(i % 1000) / 1000
            return i % 2 == 0 ? v : -v
        }
        values += [Float](repeating: 20, count: 3)
        let h = histogram(values, lo: 0, hi: 20, absolute: true)
        let t = RangeSelection.entropy(h, levels: 128)
        XCTAssertGreaterThan(t, 0.9)
        XCTAssertLessThan(t, 1.5)
        // Entropy observer on these statistics: range clipped symmetrically at ±t.
        var s = TensorStatistics()
        (s.lo, s.hi, s.histogram) = (-1, 20, h)
        let (lo, hi) = s.range(.entropy, signed: false)
        XCTAssertEqual(lo, -1)
        XCTAssertEqual(hi, t)
    }

    func testHistogramIgnoresNonFiniteValues() {
        let h = histogram([.nan, .infinity, 0.5, -.infinity], lo: 0, hi: 1, bins: 4)
        XCTAssertEqual(h.total, 1)
        XCTAssertEqual(h.counts[2], 1)
    }

    func testPerChannelWeightErrorIsHalfAStepOfItsChannel() {
        // Channels of very different magnitude: per-channel error ≤ s_c / 2 with s_c = max|w_c| / 127;
        // per-tensor error on the small channel is far larger.
        var rng = SeededRandom(seed: 9)
        let shape = [4, 3, 3, 3], inner = 27
        let w: [Float] = (0..<108).map { i in rng.float() * [0.01, 1, 5, 0.2][i / inner] }
        let q = QuantizedWeights(w, shape: shape, axis: 0, perChannel: true)
        XCTAssertEqual(q.scales.count, 4)
        let dq = q.dequantized
        for c in 0..<4 {
            let s = w[c * inner..<(c + 1) * inner].map(abs).max()! / 127
            XCTAssertEqual(q.scales[c], s, accuracy: s * 1e-6)
            for i in c * inner..<(c + 1) * inner { XCTAssertLessThanOrEqual(abs(dq[i] - w[i]), s / 2 * 1.0001) }
        }
        XCTAssertTrue(q.values.allSatisfy { $0 >= -127 })
        let t = QuantizedWeights(w, shape: shape, axis: 0, perChannel: false).dequantized
        let smallErrTensor = (0..<inner).map { abs(t[$0] - w[$0]) }.max()!
        let smallErrChannel = (0..<inner).map { abs(dq[$0] - w[$0]) }.max()!
        XCTAssertLessThan(smallErrChannel * 10, smallErrTensor)
        // Gemm weight [K, N] quantized along axis 1 (columns).
        let m = QuantizedWeights([1, -0.5, 2, 0.25], shape: [2, 2], axis: 1, perChannel: true)
        XCTAssertEqual(m.scales, [2 / 127, 0.5 / 127])
        XCTAssertEqual(m.values, [64, -127, 127, 64])
    }

    func testBiasToInt32UsesTheAccumulatorScale() throws {
        let (values, scales) = try XCTUnwrap(BiasQuantization.int32([0.5, -1], inputScale: 0.1, weightScales: [0.01, 0.02]))
        XCTAssertEqual(scales[0], 0.001, accuracy: 1e-9)
        XCTAssertEqual(values, [500, -500])
        XCTAssertNil(BiasQuantization.int32([1e9], inputScale: 1e-6, weightScales: [1e-6]), "beyond the accumulator headroom")
    }
}
