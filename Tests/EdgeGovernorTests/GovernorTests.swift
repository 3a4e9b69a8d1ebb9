import EdgeRuntime
import XCTest
@testable import EdgeGovernor

/// The bars, end to end: fake sysfs/procfs tree → readers → policy → actions.
final class GovernorTests: XCTestCase {
    private var tree: FakeTree!
    private var clock: ManualClock!
    private var events: EventLog!
    private var governor: Governor!

    override func setUpWithError() throws {
        tree = try FakeTree()
        tree.procStat(cores: 2, busy: 0, idle: 0)
        clock = ManualClock()
        events = EventLog()
        var configuration = GovernorConfiguration(roots: tree.roots)
        configuration.policy.minDwellSeconds = 30
        configuration.policy.balancedTolerance = 0
        let events = self.events!
        governor = try Governor(configuration: configuration, ladders: TestLadders.all, clock: clock) { events.append($0) }
    }

    /// Advances one second, feeding each model's rate worth of requests first, then ticks.
    @discardableResult
    private func second(_ rates: [String: Double] = TestLadders.rates) -> PolicyDecision {
        for (model, rate) in rates { governor.recordRequest(model: model, count: rate) }
        clock.advance(1)
        return governor.tick()
    }

    /// Fills the 10 s rate window, then returns the last decision.
    private func warmUp() -> PolicyDecision {
        (0..<10).map { _ in second() }.last!
    }

    private func variants(_ decision: PolicyDecision) -> [String] { decision.choices.map(\.variant) }

    func testBatteryDropMovesEveryFamilyDownWithinTwoTicks() {
        tree.battery(level: 90, status: "Charging", acOnline: true)
        XCTAssertEqual(variants(warmUp()), ["teacher", "teacher", "teacher"])
        tree.battery(level: 15, status: "Discharging", acOnline: false)
        let ticks = [second(), second()]
        for family in TestLadders.all {
            XCTAssertEqual(ticks.last!.choice(family.model)?.variant, family.variants[family.cheapestIndex].name, family.model)
        }
        XCTAssertEqual(governor.metrics.switches, 3)
        XCTAssertEqual(events.switches.count, 3)
        XCTAssertTrue(events.switches.allSatisfy { $0.description.contains("because eco mode (rule \"battery < 20% and discharging -> eco\")") })
    }

    func testBackOnACMovesUpOnlyAfterTheDwellTime() {
        tree.battery(level: 90, status: "Charging", acOnline: true)
        _ = warmUp()
        tree.battery(level: 15, status: "Discharging", acOnline: false)
        second()
        tree.battery(level: 16, status: "Charging", acOnline: true)
        // AC is first seen at the next tick; everything holds for the 30 s dwell from there.
        for t in 0..<30 {
            XCTAssertEqual(variants(second()), ["tiny-int8", "pruned-int8", "int8"], "still down \(t) s after AC was seen")
        }
        XCTAssertEqual(variants(second()), ["teacher", "teacher", "teacher"], "up after the 30 s dwell")
        XCTAssertEqual(governor.metrics.switches, 6)
        XCTAssertEqual(governor.metrics.modeChanges, 2)
    }

    func testThermalTripMovesDownEvenOnAC() {
        tree.battery(level: 100, status: "Full", acOnline: true)
        tree.thermalZone(0, celsius: 50)
        XCTAssertEqual(variants(warmUp()), ["teacher", "teacher", "teacher"])
        tree.thermalZone(0, celsius: 86)  // past the 85 °C passive trip: headroom 1.02
        let hot = second()
        XCTAssertGreaterThan(hot.budget.factors.first { $0.name == "thermal" }?.detail.count ?? 0, 0)
        XCTAssertEqual(hot.choice("ar-landmarks")?.variant, "pruned-int8", hot.budget.summary)
        XCTAssertNotEqual(hot.choice("speech-commands")?.variant, "teacher")
    }

    func testTemperatureOscillatingAroundTheTripDoesNotFlap() {
        tree.battery(level: 100, status: "Full", acOnline: true)
        tree.thermalZone(0, celsius: 50)
        _ = warmUp()
        for t in 0..<120 {
            // Headroom 1.02 / 0.98 around the 85 °C passive trip.
            tree.write("sys/class/thermal/thermal_zone0/temp", t % 2 == 0 ? "86000" : "84000")
            second()
        }
        XCTAssertLessThanOrEqual(governor.metrics.switches, 3, "each model moves down once, then holds")
        XCTAssertGreaterThanOrEqual(governor.metrics.switches, 2)
    }

    func testCgroupThrottlingMovesDownEvenOnAC() {
        tree.battery(level: 100, status: "Full", acOnline: true)
        tree.cgroup(max: "100000 100000", periods: 1000, throttled: 0)
        XCTAssertEqual(variants(warmUp()), ["teacher", "teacher", "teacher"])
        tree.cgroup(max: "100000 100000", periods: 1010, throttled: 8)
        let throttled = second()
        XCTAssertEqual(throttled.budget.factors.map(\.name), ["throttling"])
        XCTAssertEqual(throttled.choice("ar-landmarks")?.variant, "pruned-int8", throttled.budget.summary)
        XCTAssertNotEqual(throttled.choice("speech-commands")?.variant, "teacher")
    }

    func testMissingAndGarbledFilesAreIgnoredWithOneWarningEach() {
        tree.battery(level: 90, status: "Charging", acOnline: true)
        tree.write("sys/class/thermal/thermal_zone0/temp", "hot!")
        tree.write("proc/pressure/cpu", "some avg10=lots\n")
        tree.write("proc/self/cgroup", "0::/gone.service\n")  // the cgroup directory does not exist: no quota
        for _ in 0..<5 { second() }
        XCTAssertEqual(events.warnings.count, 2, "\(events.warnings)")
        XCTAssertTrue(events.warnings.contains { $0.contains("thermal_zone0/temp holds \"hot!\", not a number") })
        XCTAssertTrue(events.warnings.contains { $0.contains("pressure/cpu has no readable") })
        XCTAssertEqual(governor.status.activeWarnings.count, 2)
        XCTAssertEqual(governor.status.models.map(\.variant), ["teacher", "teacher", "teacher"])
        tree.remove("proc/stat")  // vanishing entirely is just an absent signal
        tree.remove("sys/class/power_supply")
        second()
        XCTAssertEqual(governor.metrics.ticks, 6)
        XCTAssertNil(governor.status.signals?.battery)
    }

    func testStatusPinsAndErrors() throws {
        tree.battery(level: 90, status: "Charging", acOnline: true)
        XCTAssertEqual(governor.variant(for: "ar-landmarks"), "teacher", "rung 0 before the first tick")
        try governor.setLevel(model: "ar-landmarks", variant: "int8")
        second()
        XCTAssertEqual(governor.variant(for: "ar-landmarks"), "int8")
        let status = governor.status
        XCTAssertEqual(status.pins, ["ar-landmarks": "int8"])
        XCTAssertEqual(status.effectiveMode, .balanced)
        XCTAssertEqual(status.models.first { $0.model == "ar-landmarks" }?.reason, "initial choice: pinned to int8 by the operator")
        XCTAssertNotNil(try JSONEncoder().encode(status))
        try governor.setLevel(model: "ar-landmarks", variant: nil)
        governor.setMode(.eco)
        XCTAssertEqual(second().choice("ar-landmarks")?.variant, "pruned-int8")
        XCTAssertThrowsError(try governor.setLevel(model: "ar-landmarks", variant: "huge")) {
            XCTAssertEqual(($0 as! EdgeError).message, "model ar-landmarks has no variant huge (has teacher, int8, pruned-int8)")
        }
        XCTAssertThrowsError(try governor.setLevel(model: "nope", variant: nil))
        XCTAssertNil(governor.variant(for: "nope"))
        XCTAssertThrowsError(try governor.updateCost(model: "ar-landmarks", variant: "int8", cpuMs: -3))
        try governor.updateCost(model: "ar-landmarks", variant: "teacher", cpuMs: 400)
        governor.recordRequest(model: "invented-by-a-client", count: 1e6)
        XCTAssertNil(governor.rates.rates(at: clock.now() + 1)["invented-by-a-client"])
    }

    func testRunLoopTicksOnATimerAndStopsWhenCancelled() async throws {
        var configuration = GovernorConfiguration(roots: tree.roots, tickInterval: 0.02)
        configuration.policy.minDwellSeconds = 1
        let governor = try Governor(configuration: configuration, ladders: TestLadders.all)
        let task = Task { await governor.run() }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await task.value
        let ticks = governor.metrics.ticks
        XCTAssertGreaterThanOrEqual(ticks, 3)
        XCTAssertLessThanOrEqual(ticks, 20, "sleeps between ticks instead of spinning")
        try await Task.sleep(for: .milliseconds(60))
        XCTAssertEqual(governor.metrics.ticks, ticks, "no tick after cancellation")
    }
}
