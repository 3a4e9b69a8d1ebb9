import Dispatch
import XCTest
@testable import EdgeGovernor

final class RequestRateEstimatorTests: XCTestCase {
    func testRateOverTheWindowAndExpiry() {
        let estimator = RequestRateEstimator(window: 10)
        for t in 0..<10 { estimator.record(model: "m", count: 5, at: 100 + Double(t) + 0.5) }
        XCTAssertEqual(estimator.rate(model: "m", at: 109.9), 4.5, accuracy: 1e-9)  // second 109 still filling
        XCTAssertEqual(estimator.rate(model: "m", at: 110.0), 5, accuracy: 1e-9)
        XCTAssertEqual(estimator.rate(model: "m", at: 114.0), 3, accuracy: 1e-9)  // 104…109 left
        XCTAssertEqual(estimator.rate(model: "m", at: 130), 0)
        XCTAssertEqual(estimator.rate(model: "other", at: 130), 0)
        // A bucket reused a window later starts from zero.
        estimator.record(model: "m", at: 130.2)
        XCTAssertEqual(estimator.rate(model: "m", at: 131), 0.1, accuracy: 1e-9)
        XCTAssertEqual(estimator.rates(at: 131), ["m": 0.1])
    }

    func testIgnoresValuesNoClockProduces() {
        let estimator = RequestRateEstimator(window: 5)
        estimator.record(model: "m", at: .nan)
        estimator.record(model: "m", at: .infinity)
        estimator.record(model: "m", count: -4, at: 1)
        XCTAssertEqual(estimator.rate(model: "m", at: 1), 0)
        XCTAssertEqual(estimator.rate(model: "m", at: .nan), 0)
    }

    func testConcurrentRecordingLosesNothing() {
        let estimator = RequestRateEstimator(window: 10)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<1000 { estimator.record(model: worker % 2 == 0 ? "a" : "b", at: 50 + Double(i % 10)) }
        }
        XCTAssertEqual(estimator.rate(model: "a", at: 60), 400, accuracy: 1e-9)
        XCTAssertEqual(estimator.rate(model: "b", at: 60), 400, accuracy: 1e-9)
    }
}
