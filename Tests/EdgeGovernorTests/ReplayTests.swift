import XCTest
@testable import EdgeGovernor

final class ReplayTests: XCTestCase {
    func testTraceIsDeterministicFromTheSeed() {
        let a = ReplayTrace.generate(ladders: TestLadders.all, hours: 0.5, seed: 7)
        XCTAssertEqual(a, ReplayTrace.generate(ladders: TestLadders.all, hours: 0.5, seed: 7))
        XCTAssertNotEqual(a, ReplayTrace.generate(ladders: TestLadders.all, hours: 0.5, seed: 8))
        XCTAssertEqual(a.seconds.count, 1800)
        XCTAssertEqual(a.seconds.first?.batteryPercent, 100)
        XCTAssertEqual(try XCTUnwrap(a.seconds.last?.batteryPercent), 100 - 92 * 1799 / 1800, accuracy: 1e-9)
        XCTAssertGreaterThan(a.totalRequests, 0)
    }

    func testFixedStrategiesAccountTheCardFigures() {
        let ladders = [TestLadders.speech, TestLadders.match]
        let second = ReplayTrace.Second(batteryPercent: 50, discharging: true, thermalHeadroom: 0.5, requests: [3, 10])
        let trace = ReplayTrace(models: ladders.map(\.model), seconds: [second, second])
        let teacher = ReplaySimulator.fixed("t", trace: trace, ladders: ladders) { _ in 0 }
        // speech: 6 × 20 ms; match: 20 × 1 ms.
        XCTAssertEqual(teacher.cpuSeconds, 0.12 + 0.02, accuracy: 1e-12)
        XCTAssertEqual(teacher.accuracy, (6 * 0.97 + 20 * 0.85) / 26, accuracy: 1e-12)
        let smallest = ReplaySimulator.fixed("s", trace: trace, ladders: ladders) { $0.cheapestIndex }
        XCTAssertEqual(smallest.models[0].cpuSeconds, 0.012, accuracy: 1e-12)  // 6 × 2 ms
        XCTAssertEqual(smallest.models[1].cpuSeconds, 0.006, accuracy: 1e-12)  // 20 × 0.3 ms
    }

    func testGovernorLiesBetweenTheFixedStrategiesAndDoesNotFlap() throws {
        var configuration = PolicyConfiguration()
        configuration.balancedTolerance = 0.01
        let report = try ReplayReport.run(ladders: TestLadders.all, configuration: configuration, cores: 4, hours: 2, seed: 3)
        let (teacher, smallest, governor) = (report.results[0], report.results[1], report.results[2])
        XCTAssertEqual(governor.requests, teacher.requests)
        XCTAssertLessThan(governor.cpuSeconds, teacher.cpuSeconds)
        XCTAssertGreaterThan(governor.cpuSeconds, smallest.cpuSeconds)
        XCTAssertLessThan(governor.accuracy, teacher.accuracy)
        XCTAssertGreaterThan(governor.accuracy, smallest.accuracy)
        XCTAssertLessThan(governor.switches, 60, "at most about one switch per model per dwell-limited episode")
        XCTAssertTrue(report.table.contains("governor          all (req-weighted)"), report.table)
    }

    func testReplayRejectsNonsense() {
        XCTAssertThrowsError(try ReplayReport.run(ladders: [], configuration: PolicyConfiguration(), cores: 4, hours: 1, seed: 1))
        XCTAssertThrowsError(try ReplayReport.run(ladders: TestLadders.all, configuration: PolicyConfiguration(), cores: 0, hours: 1, seed: 1))
        XCTAssertThrowsError(try ReplayReport.run(ladders: TestLadders.all, configuration: PolicyConfiguration(), cores: 4, hours: 1e9, seed: 1))
    }
}
