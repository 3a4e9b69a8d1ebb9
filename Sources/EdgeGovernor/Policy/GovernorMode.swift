/// The operator's power-mode setting.
public enum GovernorMode: String, Sendable, Equatable, Codable, CaseIterable {
    /// Most accurate variant that fits the budget, ignoring the battery factor.
    case performance
    /// Most accurate variant that fits the full budget, then the cheapest variant within the
    /// configured accuracy tolerance of it.
    case balanced
    /// Cheapest variant, plus work reduction (frame skipping, stricter VAD).
    case eco
    /// The first matching rule picks one of the three above; otherwise the configured default.
    case auto

    /// The mode the policy actually applies (never `auto`).
    public var effective: EffectiveMode? { EffectiveMode(rawValue: rawValue) }
}

/// A mode the policy applies, ordered from most to least restrictive (`eco < balanced <
/// performance`). Moving to a more restrictive mode is immediate; relaxing waits for the dwell
/// time, like moving up the ladder.
public enum EffectiveMode: String, Sendable, Equatable, Codable, Comparable, CaseIterable {
    case eco, balanced, performance

    private var rank: Int {
        switch self {
        case .eco: 0
        case .balanced: 1
        case .performance: 2
        }
    }

    public static func < (a: EffectiveMode, b: EffectiveMode) -> Bool { a.rank < b.rank }
}

/// Per-request quality preference (`quality: max|balanced|eco`).
public enum Quality: String, Sendable, Equatable, Codable {
    /// The most accurate variant, whatever the budget.
    case max
    /// The governor's current choice.
    case balanced
    /// The cheapest variant.
    case eco
}
