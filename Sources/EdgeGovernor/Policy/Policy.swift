import EdgeRuntime

/// The governor's decision logic: a pure, deterministic state machine. `step` takes a
/// `PolicyInput` (signals, rates, mode, pins, clock time) and returns a `PolicyDecision` whose
/// `actions` the owner carries out; it reads no clock, file or global state.
///
/// Per model and tick:
/// 1. the effective mode comes from the operator or, in `auto`, from the rules (`ModeSelector`);
/// 2. the budget (`BudgetFactors.budget`) is split between models (`BudgetSplit`);
/// 3. a pinned model takes its pin; in eco a model takes its cheapest rung; otherwise the model
///    moves **down at once** when its rung costs more than `share × down_threshold` (to the
///    best rung that fits that), and moves **up** only to a rung costing at most
///    `share × up_threshold`, once that has held continuously for `min_dwell_seconds` and at
///    least that long has passed since its last switch. The gap between the thresholds and the
///    dwell keep a signal oscillating around a threshold from flapping the choice.
public struct Policy: Sendable {
    public let configuration: PolicyConfiguration
    public let rules: [Rule]
    public private(set) var ladders: [ModelLadder]
    private var modes = ModeSelector()
    private var states: [String: ModelState] = [:]

    struct ModelState {
        var rung: Int
        var lastSwitch: Double
        var upSince: Double?
        var reduction: WorkReduction
    }

    /// - Throws: `EdgeError` for an invalid configuration or rule, or two ladders for the same model.
    public init(configuration: PolicyConfiguration = PolicyConfiguration(), ladders: [ModelLadder]) throws(EdgeError) {
        try configuration.validate()
        guard Set(ladders.map(\.model)).count == ladders.count else {
            throw EdgeError(.invalidLadder, "two ladders share a model name")
        }
        self.configuration = configuration
        self.rules = try RuleParser.parse(rules: configuration.rules)
        self.ladders = ladders
    }

    /// Replaces a model's ladder (e.g. with costs measured on this box), keeping the current
    /// variant when it still exists.
    public mutating func replaceLadder(_ ladder: ModelLadder) throws(EdgeError) {
        guard let i = ladders.firstIndex(where: { $0.model == ladder.model }) else {
            throw EdgeError(.unknownModel, "no model named \(ladder.model)")
        }
        let old = ladders[i]
        ladders[i] = ladder
        if let state = states[ladder.model] {
            states[ladder.model]?.rung = ladder.index(of: old.variants[state.rung].name) ?? ladder.cheapestIndex
        }
    }

    /// One tick of the state machine.
    public mutating func step(_ input: PolicyInput) -> PolicyDecision {
        let config = configuration
        var actions: [PolicyAction] = []
        let (mode, modeReason, modeAction, relaxedSince) = modes.step(input: input, rules: rules, autoDefault: config.autoDefault,
                                                                     dwell: config.minDwellSeconds)
        if let modeAction { actions.append(modeAction) }
        if let relaxedSince {
            // The relaxed mode has been wanted for a dwell already: that counts as the models'
            // up-dwell too, so coming back on AC costs one dwell, not two.
            for model in states.keys { states[model]!.upSince = min(states[model]!.upSince ?? relaxedSince, relaxedSince) }
        }

        let fits = ladders.map { LadderFit(ladder: $0, rate: max(0, input.rates[$0.model] ?? 0), mode: mode, tolerance: config.balancedTolerance) }
        let pins = fits.map { pinnedRung($0.ladder, input.overrides) }
        let ownUsage = zip(fits, ladders).reduce(0.0) { sum, pair in sum + pair.0.cost(states[pair.1.model]?.rung ?? 0) }
        let budget = config.factors.budget(signals: input.signals, cpuShare: config.cpuShare, mode: mode, ownUsageCores: ownUsage)

        // Pinned models consume their cost first; the rest is shared by demand.
        var pinnedCost = 0.0
        for (fit, pin) in zip(fits, pins) { if let pin { pinnedCost += fit.cost(pin) } }
        var demands: [String: Double] = [:]
        for (fit, pin) in zip(fits, pins) where pin == nil { demands[fit.ladder.model] = fit.demand }
        let shares = BudgetSplit.shares(budget: budget.cores - pinnedCost, demands: demands, weights: config.modelWeights)

        var choices: [ModelChoice] = []
        for (fit, pin) in zip(fits, pins) {
            let model = fit.ladder.model
            let share = pin.map { fit.cost($0) } ?? shares[model] ?? 0
            let (rung, reason) = chooseRung(fit, pin: pin, share: share, mode: mode, modeReason: modeReason,
                                            budget: budget, now: input.now, actions: &actions)
            let reduction = pin == nil ? fit.workReduction(rung: rung, limit: share * config.downThreshold, maxStride: config.maxFrameStride) : .none
            if states[model]!.reduction != reduction {
                states[model]!.reduction = reduction
                actions.append(.setWorkReduction(model: model, reduction, reason: reason))
            }
            choices.append(ModelChoice(model: model, variant: fit.ladder.variants[rung].name, rung: rung, reason: reason,
                                       rate: fit.rate, costCores: fit.cost(rung), shareCores: share, pinned: pin != nil,
                                       workReduction: reduction))
        }
        return PolicyDecision(mode: mode, modeReason: modeReason, budget: budget, choices: choices, actions: actions)
    }

    private func pinnedRung(_ ladder: ModelLadder, _ overrides: [String: String]) -> Int? {
        overrides[ladder.model].flatMap { ladder.index(of: $0) }
    }

    /// Applies the movement rules for one model, updating its state and appending a switch action.
    private mutating func chooseRung(_ fit: LadderFit, pin: Int?, share: Double, mode: EffectiveMode, modeReason: String,
                                     budget: Budget, now: Double, actions: inout [PolicyAction]) -> (Int, String) {
        let config = configuration
        let ladder = fit.ladder
        let down = fit.pick(limit: share * config.downThreshold)
        guard var state = states[ladder.model] else {
            let first = pin ?? down
            states[ladder.model] = ModelState(rung: first, lastSwitch: now, upSince: nil, reduction: .none)
            return (first, "initial choice: " + explain(fit, first, share: share, mode: mode, modeReason: modeReason, budget: budget, pinned: pin != nil))
        }
        defer { states[ladder.model] = state }
        let current = state.rung
        var target = current
        var note = ""
        if let pin {
            target = pin
        } else if down > current {
            target = down
        } else {
            let up = fit.pick(limit: share * config.upThreshold)
            if up < current {
                let since = state.upSince ?? now
                state.upSince = since
                let wait = max(config.minDwellSeconds - (now - since), config.minDwellSeconds - (now - state.lastSwitch))
                if wait <= 0 {
                    target = up
                } else {
                    note = "; \(ladder.variants[up].name) would fit, moving up after \(format(wait)) s more of dwell"
                }
            } else {
                state.upSince = nil
            }
        }
        let reason = explain(fit, target, share: share, mode: mode, modeReason: modeReason, budget: budget, pinned: pin != nil) + note
        if target != current {
            actions.append(.switchVariant(model: ladder.model, from: ladder.variants[current].name, to: ladder.variants[target].name, reason: reason))
            state = ModelState(rung: target, lastSwitch: now, upSince: nil, reduction: state.reduction)
        }
        return (target, reason)
    }

    /// Words for why `rung` is right now.
    private func explain(_ fit: LadderFit, _ rung: Int, share: Double, mode: EffectiveMode, modeReason: String,
                         budget: Budget, pinned: Bool) -> String {
        let variant = fit.ladder.variants[rung]
        if pinned { return "pinned to \(variant.name) by the operator" }
        if mode == .eco { return "eco mode (\(modeReason))" }
        let cost = "\(variant.name) costs \(format(fit.cost(rung))) cores (\(format(variant.cpuMs)) ms × \(format(fit.rate)) req/s)"
        if fit.cost(rung) > share * configuration.downThreshold {
            return "no variant fits: \(cost) > share \(format(share)) cores; budget \(budget.summary)"
        }
        let better = rung > 0 ? fit.ladder.variants[rung - 1] : nil
        // A more accurate rung within the tolerance was skipped for CPU, not for lack of budget.
        if mode == .balanced, let skipped = fit.ladder.variants.indices.first(where: {
            $0 < rung && fit.ladder.variants[$0].accuracy - variant.accuracy <= configuration.balancedTolerance + 1e-12
        }) {
            return "balanced: \(variant.name) is within \(format(configuration.balancedTolerance * 100)) accuracy points of \(fit.ladder.variants[skipped].name) at less CPU; \(cost) of share \(format(share)) cores"
        }
        let limit = better.map { "; \($0.name) would cost \(format($0.cpuMs / 1000 * fit.rate)) cores" } ?? ""
        return "\(cost) ≤ share \(format(share)) cores\(limit); budget \(budget.summary) [\(mode.rawValue): \(modeReason)]"
    }
}
