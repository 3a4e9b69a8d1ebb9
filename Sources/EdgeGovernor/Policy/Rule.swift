/// A mode rule: when every condition holds, auto mode applies `mode`. Rules are tried in order;
/// the first that matches wins. Written as text (see `RuleParser`):
///
///     battery < 20% and discharging -> eco
///     thermal >= 0.9 -> eco
///     on_ac -> performance
public struct Rule: Sendable, Equatable, CustomStringConvertible {
    public var conditions: [Condition]
    public var mode: EffectiveMode
    /// The rule as written, for reasons and status.
    public var source: String

    public init(conditions: [Condition], mode: EffectiveMode, source: String) {
        self.conditions = conditions
        self.mode = mode
        self.source = source
    }

    public var description: String { source }

    /// Whether every condition holds. A condition on an absent signal is false, so a rule about
    /// the battery never fires on a box without one.
    public func matches(_ signals: SignalSnapshot) -> Bool {
        conditions.allSatisfy { $0.holds(signals) }
    }
}

/// One test in a rule.
public enum Condition: Sendable, Equatable {
    case compare(Metric, Comparison, Double)
    case flag(Flag, negated: Bool)

    func holds(_ signals: SignalSnapshot) -> Bool {
        switch self {
        case .compare(let metric, let comparison, let threshold):
            guard let value = metric.value(signals) else { return false }
            return comparison.apply(value, threshold)
        case .flag(let flag, let negated):
            guard let value = flag.value(signals) else { return false }
            return value != negated
        }
    }
}

/// A numeric signal a rule can test, with its unit.
public enum Metric: String, Sendable, Equatable, CaseIterable {
    /// Battery level, percent.
    case battery
    /// Thermal headroom (1.0 = at the throttling threshold); `90%` means 0.9.
    case thermal
    /// Hottest zone, °C.
    case temperature
    /// PSI CPU `some avg10`, percent.
    case pressure
    /// Busy share of all cores, percent.
    case load
    /// Share of cgroup periods throttled, percent.
    case throttled

    /// Whether `N%` means N/100 (headroom is a fraction) rather than N percent.
    var percentIsFraction: Bool { self == .thermal }
    /// Whether `%` may be written at all.
    var acceptsPercent: Bool { self != .temperature }

    func value(_ s: SignalSnapshot) -> Double? {
        switch self {
        case .battery: s.battery?.levelPercent
        case .thermal: s.thermal?.headroom
        case .temperature: s.thermal?.maxTemperatureCelsius
        case .pressure: s.cpu.pressureSomeAvg10
        case .load: s.cpu.busyFraction.map { $0 * 100 }
        case .throttled: s.cpu.throttledFraction.map { $0 * 100 }
        }
    }
}

/// A yes/no signal a rule can test.
public enum Flag: String, Sendable, Equatable, CaseIterable {
    /// A battery is discharging.
    case discharging
    /// An external supply (Mains/USB) is online.
    case on_ac
    /// The machine has a battery.
    case has_battery

    func value(_ s: SignalSnapshot) -> Bool? {
        switch self {
        case .discharging: s.battery?.discharging
        case .on_ac: s.battery?.onExternalPower
        case .has_battery: s.battery != nil
        }
    }
}

public enum Comparison: String, Sendable, Equatable, CaseIterable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="

    func apply(_ a: Double, _ b: Double) -> Bool {
        switch self {
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        case .equal: a == b
        case .notEqual: a != b
        }
    }
}
