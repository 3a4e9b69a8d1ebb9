import EdgeRuntime

/// Totals for one strategy over a trace.
public struct ReplayResult: Sendable, Equatable {
    /// Per-model totals.
    public struct Model: Sendable, Equatable {
        public var model: String
        public var requests: Int
        public var cpuSeconds: Double
        /// Request-weighted mean of the family's metric.
        public var accuracy: Double
        public var switches: Int
    }

    public var strategy: String
    public var models: [Model]

    public var requests: Int { models.reduce(0) { $0 + $1.requests } }
    public var cpuSeconds: Double { models.reduce(0) { $0 + $1.cpuSeconds } }
    public var switches: Int { models.reduce(0) { $0 + $1.switches } }
    /// Request-weighted mean accuracy over all models (each request counts once).
    public var accuracy: Double {
        requests == 0 ? 0 : models.reduce(0) { $0 + $1.accuracy * Double($1.requests) } / Double(requests)
    }
}

/// Replays a trace in accelerated time (no sleeping: one policy step per simulated second)
/// and accounts every request at the variant in force when it arrived.
///
/// CPU is the card's `cpu_ms` per request; accuracy is the card's metric per request. Work
/// reduction (frame skipping, stricter VAD) is *not* credited: skipped frames would save CPU
/// but their accuracy cannot be scored from a card, so the governor's figures are conservative.
public enum ReplaySimulator {
    /// A strategy that never changes variant: `rung(ladder)` picks it per model.
    public static func fixed(_ name: String, trace: ReplayTrace, ladders: [ModelLadder], rung: (ModelLadder) -> Int) -> ReplayResult {
        var accounts = Accounts(ladders: ladders)
        let rungs = ladders.map(rung)
        for second in trace.seconds { accounts.add(second.requests, rungs: rungs) }
        return accounts.result(name)
    }

    /// The real `Policy` driven by the trace: signals from the trace's battery and thermal
    /// columns on a box with `cores` cores, request rates from a `RequestRateEstimator` fed with
    /// the trace, one tick per simulated second.
    public static func governor(trace: ReplayTrace, ladders: [ModelLadder], configuration: PolicyConfiguration,
                                cores: Double, rateWindow: Int = 10, name: String = "governor") throws(EdgeError) -> ReplayResult {
        var policy = try Policy(configuration: configuration, ladders: ladders)
        let estimator = RequestRateEstimator(window: rateWindow)
        var accounts = Accounts(ladders: ladders)
        var rungs = ladders.map { _ in 0 }
        for (t, second) in trace.seconds.enumerated() {
            let now = Double(t)
            let signals = SignalSnapshot(
                battery: BatterySignal(levelPercent: second.batteryPercent, discharging: second.discharging,
                                       onExternalPower: !second.discharging),
                cpu: CPUSignal(cores: cores),
                thermal: ThermalSignal(headroom: second.thermalHeadroom))
            let decision = policy.step(PolicyInput(signals: signals, rates: estimator.rates(at: now), now: now))
            for action in decision.actions {
                if case .switchVariant(let model, _, _, _) = action, let m = ladders.firstIndex(where: { $0.model == model }) {
                    accounts.switches[m] += 1
                }
            }
            rungs = decision.choices.map(\.rung)
            accounts.add(second.requests, rungs: rungs)
            for (m, count) in second.requests.enumerated() where count > 0 {
                estimator.record(model: ladders[m].model, count: Double(count), at: now)
            }
        }
        return accounts.result(name)
    }

    /// Running sums per model.
    private struct Accounts {
        let ladders: [ModelLadder]
        var requests: [Int]
        var cpuMs: [Double]
        var accuracySum: [Double]
        var switches: [Int]

        init(ladders: [ModelLadder]) {
            self.ladders = ladders
            requests = Array(repeating: 0, count: ladders.count)
            cpuMs = Array(repeating: 0, count: ladders.count)
            accuracySum = Array(repeating: 0, count: ladders.count)
            switches = Array(repeating: 0, count: ladders.count)
        }

        mutating func add(_ counts: [Int], rungs: [Int]) {
            for (m, count) in counts.enumerated() where count > 0 {
                let variant = ladders[m].variants[rungs[m]]
                requests[m] += count
                cpuMs[m] += Double(count) * variant.cpuMs
                accuracySum[m] += Double(count) * variant.accuracy
            }
        }

        func result(_ name: String) -> ReplayResult {
            ReplayResult(strategy: name, models: ladders.indices.map { m in
                ReplayResult.Model(model: ladders[m].model, requests: requests[m], cpuSeconds: cpuMs[m] / 1000,
                                   accuracy: requests[m] == 0 ? 0 : accuracySum[m] / Double(requests[m]), switches: switches[m])
            })
        }
    }
}
