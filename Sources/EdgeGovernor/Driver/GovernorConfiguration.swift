import EdgeRuntime
import Foundation

/// Where time comes from. The real clock is monotonic; tests advance a manual one.
public protocol GovernorClock: Sendable {
    /// Seconds on a monotonic scale (only differences matter).
    func now() -> Double
}

/// Seconds since boot (`ProcessInfo.systemUptime`, monotonic: unaffected by wall-clock changes).
public struct MonotonicClock: GovernorClock {
    public init() {}
    public func now() -> Double { ProcessInfo.processInfo.systemUptime }
}

/// How the `Governor` driver runs.
public struct GovernorConfiguration: Sendable, Equatable {
    /// sysfs / procfs / cgroupfs roots (`serve --sysfs-root --procfs-root`).
    public var roots: SignalRoots
    /// Seconds between ticks of `run()`.
    public var tickInterval: Double
    /// Seconds the request-rate estimator averages over.
    public var rateWindowSeconds: Int
    /// Temperature that maps to thermal headroom 0, °C.
    public var thermalBaselineCelsius: Double
    /// Initial power mode (operators change it with `Governor.setMode`).
    public var mode: GovernorMode
    public var policy: PolicyConfiguration

    public init(roots: SignalRoots = SignalRoots(), tickInterval: Double = 1, rateWindowSeconds: Int = 10,
                thermalBaselineCelsius: Double = 25, mode: GovernorMode = .auto,
                policy: PolicyConfiguration = PolicyConfiguration()) {
        self.roots = roots
        self.tickInterval = tickInterval
        self.rateWindowSeconds = rateWindowSeconds
        self.thermalBaselineCelsius = thermalBaselineCelsius
        self.mode = mode
        self.policy = policy
    }

    func validate() throws(EdgeError) {
        guard tickInterval >= 0.01 && tickInterval <= 3600 else {
            throw EdgeError(.invalidConfiguration, "tick interval \(tickInterval) s must be in 0.01…3600")
        }
        guard rateWindowSeconds >= 1 && rateWindowSeconds <= 3600 else {
            throw EdgeError(.invalidConfiguration, "rate window \(rateWindowSeconds) s must be in 1…3600")
        }
        guard thermalBaselineCelsius.isFinite else {
            throw EdgeError(.invalidConfiguration, "thermal baseline must be a finite temperature")
        }
        try policy.validate()
    }
}

/// Something the governor wants its owner to know, delivered through the event callback.
public enum GovernorEvent: Sendable, Equatable {
    /// A decision to carry out: swap a variant, change the work reduction, note a mode change.
    case action(PolicyAction)
    /// A signal file is missing or garbled (reported once until it recovers).
    case warning(String)
}

/// Monotonic counters for metrics (`/metrics`).
public struct GovernorCounters: Sendable, Equatable, Codable {
    public var ticks = 0
    public var switches = 0
    public var switchesByModel: [String: Int] = [:]
    public var modeChanges = 0
    public var workReductionChanges = 0
    public var warnings = 0

    public init() {}

    mutating func count(_ action: PolicyAction) {
        switch action {
        case .switchVariant(let model, _, _, _):
            switches += 1
            switchesByModel[model, default: 0] += 1
        case .changeMode: modeChanges += 1
        case .setWorkReduction: workReductionChanges += 1
        }
    }
}

/// Everything `GET /v1/status` shows about the governor.
public struct GovernorStatus: Sendable, Equatable, Codable {
    /// Clock time of the last tick (nil before the first).
    public var lastTick: Double?
    /// The operator's setting.
    public var mode: GovernorMode
    /// The mode applied at the last tick and why.
    public var effectiveMode: EffectiveMode?
    public var modeReason: String?
    public var signals: SignalSnapshot?
    public var budget: Budget?
    public var models: [ModelChoice]
    /// Operator pins: model → variant.
    public var pins: [String: String]
    /// Signal problems that persist (file paths).
    public var activeWarnings: [String]
    public var counters: GovernorCounters
}
