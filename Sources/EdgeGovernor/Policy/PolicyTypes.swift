/// Everything the policy reads at one tick. The policy never reads a clock or a file itself.
public struct PolicyInput: Sendable, Equatable {
    public var signals: SignalSnapshot
    /// Recent requests per second per model; a model not listed has no traffic.
    public var rates: [String: Double]
    /// The operator's power mode.
    public var mode: GovernorMode
    /// Operator pins: model → variant name (`query level MODEL VARIANT`); absent means auto.
    public var overrides: [String: String]
    /// Clock time in seconds (monotonic; only differences matter).
    public var now: Double

    public init(signals: SignalSnapshot, rates: [String: Double] = [:], mode: GovernorMode = .auto,
                overrides: [String: String] = [:], now: Double) {
        self.signals = signals
        self.rates = rates
        self.mode = mode
        self.overrides = overrides
        self.now = now
    }
}

/// Work reduction the server applies on top of the cheapest variant.
public struct WorkReduction: Sendable, Equatable, Codable {
    /// Run detection on every n-th frame, for clients that allow skipping (1 = every frame).
    public var frameStride: Int
    /// Gate speech with the stricter VAD threshold.
    public var strictVAD: Bool

    public init(frameStride: Int = 1, strictVAD: Bool = false) {
        self.frameStride = frameStride
        self.strictVAD = strictVAD
    }

    public static let none = WorkReduction()
    public var isNone: Bool { self == .none }
}

/// The policy's choice for one model.
public struct ModelChoice: Sendable, Equatable, Codable {
    public var model: String
    public var variant: String
    /// Position in the ladder (0 = most accurate).
    public var rung: Int
    /// Why this variant, in words.
    public var reason: String
    /// Requests per second used for the decision.
    public var rate: Double
    /// CPU cores the chosen variant costs at that rate.
    public var costCores: Double
    /// This model's share of the budget, in cores.
    public var shareCores: Double
    /// Set by an operator pin.
    public var pinned: Bool
    public var workReduction: WorkReduction
}

/// A side effect for the owner to carry out (swap a variant, log, count, store the event).
public enum PolicyAction: Sendable, Equatable, CustomStringConvertible {
    case switchVariant(model: String, from: String, to: String, reason: String)
    case changeMode(from: EffectiveMode, to: EffectiveMode, reason: String)
    case setWorkReduction(model: String, WorkReduction, reason: String)

    public var description: String {
        switch self {
        case .switchVariant(let model, let from, let to, let reason):
            "switch \(model) from \(from) to \(to) because \(reason)"
        case .changeMode(let from, let to, let reason):
            "mode \(from.rawValue) → \(to.rawValue) because \(reason)"
        case .setWorkReduction(let model, let reduction, let reason):
            reduction.isNone
                ? "\(model): full work again because \(reason)"
                : "\(model): reduce work (detect every \(reduction.frameStride) frame(s), strict VAD \(reduction.strictVAD ? "on" : "off")) because \(reason)"
        }
    }
}

/// The outcome of one policy step.
public struct PolicyDecision: Sendable, Equatable {
    public var mode: EffectiveMode
    public var modeReason: String
    public var budget: Budget
    /// One choice per managed model, in ladder order.
    public var choices: [ModelChoice]
    /// What changed at this step; empty when nothing did.
    public var actions: [PolicyAction]

    /// The choice for `model`.
    public func choice(_ model: String) -> ModelChoice? { choices.first { $0.model == model } }
}
