import XCTest
@testable import EdgeGovernor

/// The pure state machine with synthetic signals: 2 cores × cpu_share 0.5 = 1 core of budget.
final class PolicyTests: XCTestCase {
    private func onAC() -> SignalSnapshot {
        SignalSnapshot(battery: BatterySignal(levelPercent: 90, discharging: false, onExternalPower: true), cpu: CPUSignal(cores: 2))
    }

    private func onBattery(_ level: Double) -> SignalSnapshot {
        SignalSnapshot(battery: BatterySignal(levelPercent: level, discharging: true, onExternalPower: false), cpu: CPUSignal(cores: 2))
    }

    private func policy(_ configure: (inout PolicyConfiguration) -> Void = { _ in }) throws -> Policy {
        var configuration = PolicyConfiguration()
        configuration.balancedTolerance = 0
        configure(&configuration)
        return try Policy(configuration: configuration, ladders: TestLadders.all)
    }

    private func variants(_ decision: PolicyDecision) -> [String] { decision.choices.map(\.variant) }

    func testTeachersWhileTheyFitAndEcoDropsEveryFamilyAtOnce() throws {
        var policy = try self.policy()
        let first = policy.step(PolicyInput(signals: onAC(), rates: TestLadders.rates, now: 0))
        XCTAssertEqual(variants(first), ["teacher", "teacher", "teacher"])
        XCTAssertEqual(first.mode, .balanced)
        let low = policy.step(PolicyInput(signals: onBattery(15), rates: TestLadders.rates, now: 1))
        XCTAssertEqual(low.mode, .eco)
        XCTAssertEqual(variants(low), ["tiny-int8", "pruned-int8", "int8"])
        XCTAssertEqual(low.actions.filter { if case .switchVariant = $0 { true } else { false } }.count, 3)
        XCTAssertTrue(low.actions.contains(.changeMode(from: .balanced, to: .eco, reason: "rule \"battery < 20% and discharging -> eco\"")))
        XCTAssertTrue(low.choices.allSatisfy { $0.reason.contains("eco mode (rule \"battery < 20% and discharging -> eco\")") })
        // Lowest rung in eco: detection skips frames, speech gates harder, ranking has nothing to cut.
        XCTAssertEqual(low.choice("ar-landmarks")?.workReduction, WorkReduction(frameStride: 2))
        XCTAssertEqual(low.choice("speech-commands")?.workReduction, WorkReduction(strictVAD: true))
        XCTAssertEqual(low.choice("match-quality")?.workReduction, WorkReduction.none)
    }

    func testBudgetOverrunMovesDownAtOnceAndUpOnlyAfterDwell() throws {
        var policy = try self.policy { $0.minDwellSeconds = 30 }
        var rates = TestLadders.rates
        XCTAssertEqual(policy.step(PolicyInput(signals: onAC(), rates: rates, now: 0)).choice("ar-landmarks")?.variant, "teacher")
        rates["ar-landmarks"] = 30  // teacher now costs 1.2 cores alone
        let busy = policy.step(PolicyInput(signals: onAC(), rates: rates, now: 1))
        let detection = try XCTUnwrap(busy.choice("ar-landmarks"))
        XCTAssertEqual(detection.variant, "int8")
        XCTAssertLessThanOrEqual(detection.costCores, detection.shareCores)
        XCTAssertTrue(busy.actions.contains { $0.description.hasPrefix("switch ar-landmarks from teacher to int8 because int8 costs 0.36 cores") })
        rates["ar-landmarks"] = 10  // back to all teachers at 0.65 cores, under the 0.8 up threshold
        for t in 2...30 {
            let held = policy.step(PolicyInput(signals: onAC(), rates: rates, now: Double(t)))
            XCTAssertEqual(held.choice("ar-landmarks")?.variant, "int8", "t=\(t)")
            XCTAssertTrue(held.choice("ar-landmarks")!.reason.contains("teacher would fit, moving up after"))
        }
        XCTAssertEqual(policy.step(PolicyInput(signals: onAC(), rates: rates, now: 32)).choice("ar-landmarks")?.variant, "teacher")
    }

    func testNoFlappingWhenLoadOscillatesAroundTheThreshold() throws {
        var policy = try self.policy { $0.minDwellSeconds = 20 }
        var switches = 0
        for t in 0..<600 {
            // Detection teacher alternates between 0.56 and 0.64 cores, i.e. across the point
            // where the three teachers stop fitting one core.
            var rates = TestLadders.rates
            rates["ar-landmarks"] = t % 2 == 0 ? 14 : 16
            rates["speech-commands"] = 17
            let decision = policy.step(PolicyInput(signals: onAC(), rates: rates, now: Double(t)))
            switches += decision.actions.filter { if case .switchVariant = $0 { true } else { false } }.count
        }
        XCTAssertLessThanOrEqual(switches, 1, "one move down, then it must hold")
    }

    func testNoModeFlappingWhenBatteryHoversAroundTheRule() throws {
        var policy = try self.policy { $0.minDwellSeconds = 30 }
        var actions: [PolicyAction] = []
        for t in 0..<300 {
            let level = t < 10 ? 50 : t % 2 == 0 ? 19.5 : 20.5
            actions += policy.step(PolicyInput(signals: onBattery(level), rates: TestLadders.rates, now: Double(t))).actions
        }
        let modeChanges = actions.filter { if case .changeMode = $0 { true } else { false } }
        XCTAssertEqual(modeChanges.count, 1, "\(modeChanges)")  // balanced → eco once, never back
    }

    func testThermalAndThrottlingShrinkTheBudgetEvenOnAC() throws {
        for signals in [
            SignalSnapshot(battery: onAC().battery, cpu: CPUSignal(cores: 2), thermal: ThermalSignal(headroom: 1.05)),
            SignalSnapshot(battery: onAC().battery, cpu: CPUSignal(cores: 2, quotaCores: 1, throttledFraction: 0.8)),
            SignalSnapshot(battery: onAC().battery, cpu: CPUSignal(cores: 2, pressureSomeAvg10: 80)),
        ] {
            var policy = try self.policy()
            XCTAssertEqual(variants(policy.step(PolicyInput(signals: onAC(), rates: TestLadders.rates, now: 0))), ["teacher", "teacher", "teacher"])
            let hot = policy.step(PolicyInput(signals: signals, rates: TestLadders.rates, now: 1))
            XCTAssertLessThan(hot.budget.cores, 0.3)
            XCTAssertEqual(hot.mode, .balanced)
            XCTAssertNotEqual(hot.choice("ar-landmarks")?.variant, "teacher", hot.budget.summary)
            XCTAssertNotEqual(hot.choice("speech-commands")?.variant, "teacher", hot.budget.summary)
        }
    }

    func testBudgetFormula() {
        let factors = BudgetFactors()
        let signals = SignalSnapshot(
            battery: BatterySignal(levelPercent: 50, discharging: true, onExternalPower: false),
            cpu: CPUSignal(cores: 4, quotaCores: 1.5, throttledFraction: 0.1, busyFraction: 0.5, pressureSomeAvg10: 35),
            thermal: ThermalSignal(headroom: 0.9, frequencyCapRatio: 0.8))
        let budget = factors.budget(signals: signals, cpuShare: 0.5, mode: .balanced, ownUsageCores: 0.5)
        // base = min(0.5 × 4, quota 1.5, 4 − (0.5 × 4 − 0.5)) = 1.5
        XCTAssertEqual(budget.baseCores, 1.5, accuracy: 1e-9)
        // battery 0.4 + 0.4 × 0.5 = 0.6; thermal 1 − 0.8 × 0.5 = 0.6; frequency 0.8; throttling 0.9; pressure 1 − 0.75 × 0.5 = 0.625
        XCTAssertEqual(budget.factors.map(\.name), ["battery", "thermal", "frequency", "throttling", "pressure"])
        XCTAssertEqual(budget.cores, 1.5 * 0.6 * 0.6 * 0.8 * 0.9 * 0.625, accuracy: 1e-9)
        XCTAssertTrue(budget.summary.hasPrefix("0.24 cores = 1.50 (cgroup cpu.max 1.50 cores) × battery 0.60 (50.00% discharging)"), budget.summary)
        // Performance ignores the battery.
        let performance = factors.budget(signals: signals, cpuShare: 0.5, mode: .performance, ownUsageCores: 0.5)
        XCTAssertFalse(performance.factors.contains { $0.name == "battery" })
        // A box saturated by other work still leaves the daemon load_floor × its share.
        let saturated = factors.budget(signals: SignalSnapshot(cpu: CPUSignal(cores: 4, busyFraction: 1)), cpuShare: 0.5,
                                       mode: .balanced, ownUsageCores: 0)
        XCTAssertEqual(saturated.cores, 0.25 * 0.5 * 4, accuracy: 1e-9)
        XCTAssertEqual(saturated.baseReason, "4.00 cores busy with other work")
    }

    func testBalancedToleranceTakesTheCheaperNearEqualVariant() throws {
        var policy = try self.policy { $0.balancedTolerance = 0.015; $0.autoDefault = .balanced }
        let decision = policy.step(PolicyInput(signals: onAC(), rates: TestLadders.rates, now: 0))
        XCTAssertEqual(decision.choice("speech-commands")?.variant, "int8")   // 0.96 vs 0.97
        XCTAssertEqual(decision.choice("match-quality")?.variant, "int8")     // 0.84 vs 0.85
        XCTAssertEqual(decision.choice("ar-landmarks")?.variant, "teacher")   // 0.78 is 2 points down
        XCTAssertTrue(decision.choice("speech-commands")!.reason.contains("balanced: int8 is within 1.50 accuracy points of teacher"))
        var performance = try self.policy { $0.balancedTolerance = 0.015 }
        XCTAssertEqual(variants(performance.step(PolicyInput(signals: onAC(), rates: TestLadders.rates, mode: .performance, now: 0))),
                       ["teacher", "teacher", "teacher"])
    }

    func testPinsOverrideAndUnknownPinsAreIgnored() throws {
        var policy = try self.policy()
        let pinned = policy.step(PolicyInput(signals: onBattery(10), rates: TestLadders.rates,
                                             overrides: ["ar-landmarks": "teacher", "speech-commands": "no-such"], now: 0))
        XCTAssertEqual(pinned.choice("ar-landmarks")?.variant, "teacher")
        XCTAssertTrue(pinned.choice("ar-landmarks")!.pinned)
        XCTAssertEqual(pinned.choice("ar-landmarks")?.workReduction, WorkReduction.none)
        XCTAssertEqual(pinned.choice("speech-commands")?.variant, "tiny-int8")
        let released = policy.step(PolicyInput(signals: onBattery(10), rates: TestLadders.rates, now: 1))
        XCTAssertEqual(released.choice("ar-landmarks")?.variant, "pruned-int8")
    }

    func testOverloadAtTheLowestRungSkipsMoreFrames() throws {
        var policy = try self.policy()
        var rates = TestLadders.rates
        rates["ar-landmarks"] = 600  // even pruned-int8 needs 2.4 cores
        let decision = policy.step(PolicyInput(signals: onAC(), rates: rates, now: 0))
        let detection = try XCTUnwrap(decision.choice("ar-landmarks"))
        XCTAssertEqual(detection.variant, "pruned-int8")
        XCTAssertEqual(detection.shareCores, 0.75, accuracy: 1e-9)  // 1 core − speech 0.2 − match 0.05
        XCTAssertEqual(detection.workReduction.frameStride, 4)      // ceil(2.4 / 0.75)
        XCTAssertTrue(detection.reason.contains("no variant fits: pruned-int8 costs 2.40 cores"), detection.reason)
    }

    func testSameInputsGiveSameDecisions() throws {
        func run() throws -> [PolicyDecision] {
            var policy = try self.policy()
            return (0..<50).map { t in
                policy.step(PolicyInput(signals: t < 25 ? onAC() : onBattery(Double(60 - t)), rates: TestLadders.rates, now: Double(t)))
            }
        }
        XCTAssertEqual(try run(), try run())
    }
}
