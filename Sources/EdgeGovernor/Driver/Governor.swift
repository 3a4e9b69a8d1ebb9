import EdgeRuntime
import Foundation

/// Drives the policy for the daemon: each tick reads the signals, steps the `Policy` and hands
/// the resulting actions (and new signal warnings) to the event callback; `run()` ticks on a
/// timer, sleeping in between. The server feeds it requests (`recordRequest`), asks it which
/// variant to use (`variant(for:)`, `resolve(model:constraints:)`) and shows `status`.
///
/// Thread-safe: state is guarded by one lock; the callback runs outside it, on the ticking
/// thread, in action order. (A final class because it owns that lock and shared state.)
public final class Governor: @unchecked Sendable {
    public let configuration: GovernorConfiguration
    /// Fed by the server on every request.
    public let rates: RequestRateEstimator
    private let clock: any GovernorClock
    private let onEvent: @Sendable (GovernorEvent) -> Void
    /// The managed models: requests for any other name are not counted, so a client inventing
    /// model names cannot grow the estimator.
    private let modelNames: Set<String>
    private let lock = NSLock()
    // Guarded by `lock`.
    private var reader: SignalReader
    private var policy: Policy
    private var dedup = WarningDeduplicator()
    private var mode: GovernorMode
    private var pins: [String: String] = [:]
    private var last: PolicyDecision?
    private var lastSignals: SignalSnapshot?
    private var lastTick: Double?
    private var counters = GovernorCounters()

    /// - Throws: `EdgeError` for an invalid configuration, rule or ladder set.
    public init(configuration: GovernorConfiguration = GovernorConfiguration(), ladders: [ModelLadder],
                clock: any GovernorClock = MonotonicClock(),
                onEvent: @escaping @Sendable (GovernorEvent) -> Void = { _ in }) throws(EdgeError) {
        try configuration.validate()
        self.configuration = configuration
        self.policy = try Policy(configuration: configuration.policy, ladders: ladders)
        self.reader = SignalReader(roots: configuration.roots, thermalBaselineCelsius: configuration.thermalBaselineCelsius)
        self.rates = RequestRateEstimator(window: configuration.rateWindowSeconds)
        self.clock = clock
        self.onEvent = onEvent
        self.mode = configuration.mode
        self.modelNames = Set(ladders.map(\.model))
    }

    /// One governor tick. Returns the decision; its actions and any new warnings have also been
    /// passed to the event callback. Call it once at start-up so `variant(for:)` has a choice.
    @discardableResult
    public func tick() -> PolicyDecision {
        let now = clock.now()
        let (decision, warnings) = locked { () -> (PolicyDecision, [String]) in
            let (signals, issues) = reader.read()
            let warnings = dedup.newWarnings(from: issues)
            let input = PolicyInput(signals: signals, rates: rates.rates(at: now), mode: mode, overrides: pins, now: now)
            let decision = policy.step(input)
            last = decision
            lastSignals = signals
            lastTick = now
            counters.ticks += 1
            counters.warnings += warnings.count
            decision.actions.forEach { counters.count($0) }
            return (decision, warnings)
        }
        warnings.forEach { onEvent(.warning($0)) }
        decision.actions.forEach { onEvent(.action($0)) }
        return decision
    }

    /// Ticks every `configuration.tickInterval` seconds until the task is cancelled. Between
    /// ticks the task sleeps (no polling, no spinning).
    public func run() async {
        while !Task.isCancelled {
            tick()
            do {
                try await Task.sleep(for: .seconds(configuration.tickInterval))
            } catch {
                return  // cancelled
            }
        }
    }

    /// Counts one request (or `count`) for `model` at the current clock time; unknown models are ignored.
    public func recordRequest(model: String, count: Double = 1) {
        guard modelNames.contains(model) else { return }
        rates.record(model: model, count: count, at: clock.now())
    }

    /// The variant `model` should use now (rung 0 before the first tick); nil for an unknown model.
    public func variant(for model: String) -> String? {
        locked {
            last?.choice(model)?.variant ?? policy.ladders.first { $0.model == model }?.variants.first?.name
        }
    }

    /// The variant a request with `constraints` runs on.
    /// - Throws: `EdgeError` for an unknown model or out-of-range constraint values.
    public func resolve(model: String, constraints: RequestConstraints) throws(EdgeError) -> Resolution {
        try constraints.validate()
        let (ladder, current) = try locked { () throws(EdgeError) -> (ModelLadder, Int) in
            guard let ladder = policy.ladders.first(where: { $0.model == model }) else {
                throw EdgeError(.unknownModel, "no model named \(model)")
            }
            return (ladder, last?.choice(model)?.rung ?? 0)
        }
        return ladder.resolve(constraints, current: current)
    }

    /// Sets the operator's power mode; it applies at the next tick.
    public func setMode(_ newMode: GovernorMode) {
        locked { mode = newMode }
    }

    /// Pins `model` to `variant`, or returns it to automatic choice when `variant` is nil
    /// (`PUT /v1/models/{name}/level`, `query level MODEL auto|VARIANT`). Applies at the next tick.
    public func setLevel(model: String, variant: String?) throws(EdgeError) {
        try locked { () throws(EdgeError) in
            guard let ladder = policy.ladders.first(where: { $0.model == model }) else {
                throw EdgeError(.unknownModel, "no model named \(model)")
            }
            if let variant {
                guard ladder.index(of: variant) != nil else {
                    throw EdgeError(.unknownVariant, "model \(model) has no variant \(variant) (has \(ladder.variants.map(\.name).joined(separator: ", ")))")
                }
                pins[model] = variant
            } else {
                pins[model] = nil
            }
        }
    }

    /// Replaces a variant's cost with the one measured on this box (device profile).
    public func updateCost(model: String, variant: String, cpuMs: Double, latencyMs: Double? = nil) throws(EdgeError) {
        try locked { () throws(EdgeError) in
            guard let ladder = policy.ladders.first(where: { $0.model == model }) else {
                throw EdgeError(.unknownModel, "no model named \(model)")
            }
            try policy.replaceLadder(ladder.withCost(variant: variant, cpuMs: cpuMs, latencyMs: latencyMs))
        }
    }

    /// The current state for `GET /v1/status`.
    public var status: GovernorStatus {
        locked {
            GovernorStatus(lastTick: lastTick, mode: mode, effectiveMode: last?.mode, modeReason: last?.modeReason,
                           signals: lastSignals, budget: last?.budget, models: last?.choices ?? [], pins: pins,
                           activeWarnings: dedup.activeKeys, counters: counters)
        }
    }

    /// Counters for metrics.
    public var metrics: GovernorCounters { locked { counters } }

    private func locked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
