/// Picks the effective mode with hysteresis: tightening (towards eco) is immediate, relaxing
/// under `auto` waits until the relaxed mode has been wanted continuously for the dwell time,
/// so a battery hovering around a rule's threshold does not toggle the mode every tick. An
/// explicit operator mode applies at once in both directions: that is a deliberate command.
struct ModeSelector: Sendable {
    private(set) var current: EffectiveMode?
    private var relaxSince: Double?

    /// The mode for this tick, why, the change (if any) as an action, and — when the mode relaxed
    /// after waiting — since when the relaxed mode has been wanted (models may count their up
    /// dwell from then instead of waiting a second dwell).
    mutating func step(input: PolicyInput, rules: [Rule], autoDefault: EffectiveMode, dwell: Double)
        -> (mode: EffectiveMode, reason: String, action: PolicyAction?, relaxedSince: Double?) {
        let (target, why) = Self.target(input: input, rules: rules, autoDefault: autoDefault)
        guard let previous = current else {
            current = target
            return (target, why, nil, nil)
        }
        if target == previous {
            relaxSince = nil
            return (target, why, nil, nil)
        }
        if target > previous && input.mode == .auto {
            let since = relaxSince ?? input.now
            relaxSince = since
            let waited = input.now - since
            if waited < dwell {
                let reason = "\(why) wants \(target.rawValue), held at \(previous.rawValue) for \(format(dwell - waited)) s more of dwell"
                return (previous, reason, nil, nil)
            }
        }
        let since = target > previous ? (relaxSince ?? input.now) : nil
        relaxSince = nil
        current = target
        return (target, why, .changeMode(from: previous, to: target, reason: why), since)
    }

    private static func target(input: PolicyInput, rules: [Rule], autoDefault: EffectiveMode) -> (EffectiveMode, String) {
        if let explicit = input.mode.effective { return (explicit, "operator mode \(explicit.rawValue)") }
        if let rule = rules.first(where: { $0.matches(input.signals) }) { return (rule.mode, "rule \"\(rule.source)\"") }
        return (autoDefault, "no rule matches (auto default \(autoDefault.rawValue))")
    }
}
