import XCTest
@testable import EdgeVoice

final class CommandDetectorTests: XCTestCase {
    let labels = ["_silence_", "_unknown_", "yes", "no"]
    /// The mechanics under test with one plain threshold (0.7) over 3 hops, not the tuned defaults.
    var plain: CommandDetector.Options {
        var o = CommandDetector.Options()
        o.defaultThreshold = 0.7
        o.thresholds = [:]
        o.smoothingHops = 3
        return o
    }

    func observe(_ d: inout CommandDetector, _ p: [Float], at ms: Int, segment: Int = 1) -> (label: Int, confidence: Float)? {
        p.withUnsafeBufferPointer { d.observe($0, nowMs: ms, segment: segment) }
    }

    func testNeedsAFullSmoothingWindowAboveThreshold() {
        var d = CommandDetector(labels: labels, options: plain)
        let yes: [Float] = [0, 0, 0.9, 0.1]
        XCTAssertNil(observe(&d, yes, at: 0))
        XCTAssertNil(observe(&d, yes, at: 30))
        let hit = observe(&d, yes, at: 60)
        XCTAssertEqual(hit?.label, 2)
        XCTAssertEqual(hit?.confidence ?? 0, 0.9, accuracy: 1e-6)
    }

    func testASingleSpikeIsSmoothedAway() {
        var d = CommandDetector(labels: labels, options: plain)
        let low: [Float] = [0.8, 0, 0.1, 0.1], spike: [Float] = [0, 0, 1, 0]
        for (i, p) in [low, low, spike, low, low].enumerated() { XCTAssertNil(observe(&d, p, at: i * 30)) }
    }

    func testIgnoredLabelsNeverFire() {
        var d = CommandDetector(labels: labels, options: plain)
        for i in 0..<10 { XCTAssertNil(observe(&d, [1, 0, 0, 0], at: i * 30)); XCTAssertNil(observe(&d, [0, 1, 0, 0], at: i * 30 + 5)) }
    }

    func testPerCommandThreshold() {
        var o = plain
        o.thresholds = ["no": 0.95]
        var d = CommandDetector(labels: labels, options: o)
        for i in 0..<5 { XCTAssertNil(observe(&d, [0, 0, 0.05, 0.9], at: i * 30), "0.9 < 'no' threshold 0.95") }
        var d2 = CommandDetector(labels: labels, options: o)
        XCTAssertEqual((0..<3).compactMap { observe(&d2, [0, 0, 0.9, 0.05], at: $0 * 30) }.first?.label, 2, "'yes' uses the default 0.7")
    }

    func testRefractoryAndOncePerSegment() {
        var o = plain
        o.refractoryMs = 500
        o.smoothingHops = 1
        var d = CommandDetector(labels: labels, options: o)
        let yes: [Float] = [0, 0, 1, 0]
        XCTAssertNotNil(observe(&d, yes, at: 0, segment: 1))
        XCTAssertNil(observe(&d, yes, at: 600, segment: 1), "same segment")
        XCTAssertNil(observe(&d, yes, at: 400, segment: 2), "refractory")
        XCTAssertNotNil(observe(&d, yes, at: 600, segment: 2))
        o.oncePerSegment = false
        var d2 = CommandDetector(labels: labels, options: o)
        XCTAssertNotNil(observe(&d2, yes, at: 0))
        XCTAssertNil(observe(&d2, yes, at: 499))
        XCTAssertNotNil(observe(&d2, yes, at: 500))
    }

    func testResetHistoryRequiresAFreshWindow() {
        var d = CommandDetector(labels: labels, options: plain)
        let yes: [Float] = [0, 0, 0.9, 0.1]
        _ = observe(&d, yes, at: 0); _ = observe(&d, yes, at: 30)
        d.resetHistory()
        XCTAssertNil(observe(&d, yes, at: 60), "history restarted")
        XCTAssertNil(observe(&d, yes, at: 90))
        XCTAssertNotNil(observe(&d, yes, at: 120))
    }
}
