import EdgeRuntime
import Foundation

/// The CPU the daemon may spend on inference this tick, in cores (1.0 = one core fully busy
/// at full clock), and how it was derived:
///
///     base   = min(cpu_share × cores, cgroup quota,
///                  max(cores − load of other processes, load_floor × cpu_share × cores))
///     budget = base × battery × thermal × frequency × throttling × pressure
///
/// Each factor is in (0, 1] and is 1 when its signal is absent or benign (see `BudgetFactors`).
public struct Budget: Sendable, Equatable, Codable {
    /// Cores available before the headroom factors.
    public var baseCores: Double
    /// Why the base is what it is (the tightest of its three limits).
    public var baseReason: String
    /// Factors that are below 1, in application order.
    public var factors: [BudgetFactor]
    /// The budget in cores.
    public var cores: Double

    /// e.g. `0.60 cores = 1.00 (50% of 2 cores) × battery 0.60 (15% discharging)`.
    public var summary: String {
        let parts = factors.map { "\($0.name) \(format($0.value)) (\($0.detail))" }
        return (["\(format(cores)) cores = \(format(baseCores)) (\(baseReason))"] + parts).joined(separator: " × ")
    }
}

/// One multiplicative headroom factor.
public struct BudgetFactor: Sendable, Equatable, Codable {
    public var name: String
    public var value: Double
    public var detail: String
}

/// Shapes of the headroom factors (JSON keys in snake_case; all optional).
public struct BudgetFactors: Sendable, Equatable, Codable {
    /// Discharging at or above `battery_high_level` % costs `battery_high_factor`; at or below
    /// `battery_low_level` % it costs `battery_low_factor`; linear in between. On external power: 1.
    public var batteryHighLevel = 80.0, batteryLowLevel = 20.0
    public var batteryHighFactor = 0.8, batteryLowFactor = 0.4
    /// Thermal headroom up to `thermal_knee` costs nothing; from there to 1.0 the factor falls
    /// linearly to `thermal_floor`, which also applies past the threshold.
    public var thermalKnee = 0.8, thermalFloor = 0.2
    /// Throttled fraction t of cgroup periods gives max(`throttle_floor`, 1 − t).
    public var throttleFloor = 0.25
    /// PSI some avg10 below `pressure_start` % costs nothing; falls linearly to `pressure_floor`
    /// at `pressure_full` %.
    public var pressureStart = 10.0, pressureFull = 60.0, pressureFloor = 0.25
    /// Other processes' load never pushes the base below `load_floor × cpu_share × cores`: the
    /// scheduler still gives the daemon its fair slices on a busy box (pressure covers the rest).
    public var loadFloor = 0.25

    public init() {}

    enum CodingKeys: String, CodingKey {
        case batteryHighLevel = "battery_high_level", batteryLowLevel = "battery_low_level"
        case batteryHighFactor = "battery_high_factor", batteryLowFactor = "battery_low_factor"
        case thermalKnee = "thermal_knee", thermalFloor = "thermal_floor", throttleFloor = "throttle_floor"
        case pressureStart = "pressure_start", pressureFull = "pressure_full", pressureFloor = "pressure_floor"
        case loadFloor = "load_floor"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BudgetFactors()
        batteryHighLevel = try c.decode(.batteryHighLevel, default: d.batteryHighLevel)
        batteryLowLevel = try c.decode(.batteryLowLevel, default: d.batteryLowLevel)
        batteryHighFactor = try c.decode(.batteryHighFactor, default: d.batteryHighFactor)
        batteryLowFactor = try c.decode(.batteryLowFactor, default: d.batteryLowFactor)
        thermalKnee = try c.decode(.thermalKnee, default: d.thermalKnee)
        thermalFloor = try c.decode(.thermalFloor, default: d.thermalFloor)
        throttleFloor = try c.decode(.throttleFloor, default: d.throttleFloor)
        pressureStart = try c.decode(.pressureStart, default: d.pressureStart)
        pressureFull = try c.decode(.pressureFull, default: d.pressureFull)
        pressureFloor = try c.decode(.pressureFloor, default: d.pressureFloor)
        loadFloor = try c.decode(.loadFloor, default: d.loadFloor)
    }

    func validate() throws(EdgeError) {
        let unit: [(String, Double)] = [("battery_high_factor", batteryHighFactor), ("battery_low_factor", batteryLowFactor),
                                        ("thermal_floor", thermalFloor), ("throttle_floor", throttleFloor), ("pressure_floor", pressureFloor),
                                        ("load_floor", loadFloor)]
        for (key, value) in unit where !(value > 0 && value <= 1) {
            throw EdgeError(.invalidConfiguration, "factors.\(key) = \(value) must be in (0, 1]")
        }
        guard batteryLowLevel < batteryHighLevel, thermalKnee >= 0, thermalKnee < 1, pressureStart >= 0, pressureStart < pressureFull else {
            throw EdgeError(.invalidConfiguration,
                                "factors need battery_low_level < battery_high_level, 0 ≤ thermal_knee < 1 and 0 ≤ pressure_start < pressure_full")
        }
    }

    /// Computes the budget. `ownUsageCores` is what the daemon itself is estimated to use (its
    /// current variants at the current rates), so it is not mistaken for other processes' load.
    public func budget(signals: SignalSnapshot, cpuShare: Double, mode: EffectiveMode, ownUsageCores: Double) -> Budget {
        let cores = signals.cpu.cores ?? 1
        var base = cpuShare * cores
        var reason = "\(Int((cpuShare * 100).rounded()))% of \(format(cores)) cores"
        if let quota = signals.cpu.quotaCores, quota < base {
            (base, reason) = (quota, "cgroup cpu.max \(format(quota)) cores")
        }
        if let busy = signals.cpu.busyFraction {
            let others = max(0, busy * cores - ownUsageCores)
            let available = max(cores - others, loadFloor * cpuShare * cores)
            if available < base { (base, reason) = (available, "\(format(others)) cores busy with other work") }
        }
        var factors: [BudgetFactor] = []
        func apply(_ name: String, _ value: Double, _ detail: String) {
            if value < 1 { factors.append(BudgetFactor(name: name, value: value, detail: detail)) }
        }
        if mode != .performance, let battery = signals.battery, battery.discharging {
            let level = battery.levelPercent ?? batteryHighLevel
            let t = clamp((level - batteryLowLevel) / (batteryHighLevel - batteryLowLevel))
            apply("battery", batteryLowFactor + (batteryHighFactor - batteryLowFactor) * t,
                  battery.levelPercent.map { "\(format($0))% discharging" } ?? "discharging")
        }
        if let headroom = signals.thermal?.headroom, headroom > thermalKnee {
            let t = clamp((headroom - thermalKnee) / (1 - thermalKnee))
            apply("thermal", 1 - (1 - thermalFloor) * t, "headroom \(format(headroom))")
        }
        if let cap = signals.thermal?.frequencyCapRatio {
            apply("frequency", max(0.05, cap), "capped at \(Int((cap * 100).rounded()))% of max clock")
        }
        if let throttled = signals.cpu.throttledFraction {
            apply("throttling", max(throttleFloor, 1 - throttled), "\(Int((throttled * 100).rounded()))% of cgroup periods throttled")
        }
        if let pressure = signals.cpu.pressureSomeAvg10 {
            let t = clamp((pressure - pressureStart) / (pressureFull - pressureStart))
            apply("pressure", 1 - (1 - pressureFloor) * t, "PSI some avg10 \(format(pressure))%")
        }
        let total = factors.reduce(base) { $0 * $1.value }
        return Budget(baseCores: base, baseReason: reason, factors: factors, cores: total)
    }
}

private func clamp(_ x: Double) -> Double { min(1, max(0, x)) }

/// Two decimals, for reasons and summaries.
func format(_ x: Double) -> String { String(format: "%.2f", x) }
