import EdgeRuntime
@testable import EdgeTrain
import XCTest

final class SpecAugmentTests: XCTestCase {
    /// A [2, 1, T, F] batch whose value encodes (sample, frame, band), so moves are traceable.
    private func batch(frames t: Int = 20, bands f: Int = 8) -> TTensor {
        TTensor(shape: [2, 1, t, f], data: (0..<(2 * t * f)).map { Float($0 % (t * f)) + 1000 * Float($0 / (t * f)) })
    }

    func testShiftOnlyMovesFramesAndFillsWithTheFloor() throws {
        let (t, f) = (20, 8)
        let original = batch(frames: t, bands: f)
        var x = original
        var rng = SplitMix64(seed: 3)
        try SpecAugment(maxShift: 5, frequencyMasks: 0, timeMasks: 0).apply(&x, rng: &rng)
        for b in 0..<2 {
            let clip = Array(x.data[(b * t * f)..<((b + 1) * t * f)]), src = Array(original.data[(b * t * f)..<((b + 1) * t * f)])
            let floor = src.min()!
            // Find the shift from the first frame that is not the floor, then check every frame.
            let shift = (-5...5).first { s in
                (0..<t).allSatisfy { i in (0..<f).allSatisfy { j in
                    let from = i - s
                    return clip[i * f + j] == (from >= 0 && from < t ? src[from * f + j] : floor)
                } }
            }
            XCTAssertNotNil(shift, "sample \(b) is not a shifted copy of its clip")
        }
    }

    func testMasksCoverWholeBandsAndFramesWithTheMean() throws {
        let (t, f) = (20, 8)
        var x = batch(frames: t, bands: f)
        let mean0 = x.data[0..<(t * f)].reduce(0, +) / Float(t * f)
        var rng = SplitMix64(seed: 9)
        try SpecAugment(maxShift: 0, frequencyMasks: 1, frequencyWidth: 3, timeMasks: 1, timeWidth: 4).apply(&x, rng: &rng)
        let clip = Array(x.data[0..<(t * f)])
        // Every masked value sits in a fully masked band (column) or a fully masked frame (row).
        let maskedBands = (0..<f).filter { j in (0..<t).allSatisfy { clip[$0 * f + j] == mean0 } }
        let maskedFrames = (0..<t).filter { i in (0..<f).allSatisfy { clip[i * f + $0] == mean0 } }
        XCTAssertLessThanOrEqual(maskedBands.count, 3)
        XCTAssertLessThanOrEqual(maskedFrames.count, 4)
        for i in 0..<t {
            for j in 0..<f where clip[i * f + j] == mean0 {
                XCTAssertTrue(maskedBands.contains(j) || maskedFrames.contains(i), "stray masked value at frame \(i) band \(j)")
            }
            for j in 0..<f where !maskedBands.contains(j) && !maskedFrames.contains(i) {
                XCTAssertEqual(clip[i * f + j], Float(i * f + j), "unmasked value moved at frame \(i) band \(j)")
            }
        }
    }

    func testSameSeedSameResultAndBadShapesThrow() throws {
        var a = batch(), b = batch()
        var r1 = SplitMix64(seed: 4), r2 = SplitMix64(seed: 4)
        try SpecAugment().apply(&a, rng: &r1)
        try SpecAugment().apply(&b, rng: &r2)
        XCTAssertEqual(a.data, b.data)
        XCTAssertNotEqual(a.data, batch().data)
        var wrong = TTensor(shape: [2, 3, 4, 5])
        XCTAssertThrowsError(try SpecAugment().apply(&wrong, rng: &r1))
    }
}
