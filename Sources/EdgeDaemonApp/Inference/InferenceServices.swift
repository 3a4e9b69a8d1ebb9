import EdgeGovernor
import EdgeRuntime
import EdgeServer
import Foundation

/// What every inference route needs: the registry to lease a variant from, metrics, and the
/// governor's request counter. One instance per router build (start-up and each reload).
public struct InferenceServices: Sendable {
    public let registry: ModelRegistry
    public let metrics: ServerMetrics
    /// Called once per inference request with the family name (the governor's rate estimator).
    public let countRequest: @Sendable (String) -> Void
    /// The variant of a family for a request's constraints (`Governor.resolve`); nil when the
    /// family is not governed.
    public let resolve: @Sendable (String, RequestConstraints) -> Resolution?

    public init(registry: ModelRegistry, metrics: ServerMetrics, countRequest: @escaping @Sendable (String) -> Void = { _ in },
                resolve: @escaping @Sendable (String, RequestConstraints) -> Resolution? = { _, _ in nil }) {
        self.registry = registry
        self.metrics = metrics
        self.countRequest = countRequest
        self.resolve = resolve
    }

    /// The family serving `task` (`speech`, `detection`, `recommendation`): the first by name
    /// when several are loaded. Throws 503 `model_unavailable` when none is.
    public func family(for task: String) throws(APIError) -> LoadedFamily {
        let catalog = registry.catalog
        guard let name = catalog.names.first(where: { catalog.families[$0]?.card.task == task }),
              let family = catalog.families[name] else {
            throw APIError(.serviceUnavailable, "model_unavailable",
                           "no \(task) model family is loaded; add one with task \"\(task)\" under the models directory and reload (SIGHUP)")
        }
        return family
    }

    /// Leases the variant of the `task` family a request runs on — the active one, or the one
    /// its `constraints` resolve to — runs `body` on it, and records the inference (duration,
    /// failure) under the family and variant. The lease keeps the variant alive across a
    /// concurrent level switch.
    public func withVariant<T>(task: String, constraints: RequestConstraints? = nil, _ body: (InferenceLease) throws -> T) throws -> T {
        let family = try family(for: task)
        let lease = try choose(family, constraints)
        countRequest(family.name)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let result = try body(lease)
            metrics.recordInference(model: family.name, variant: lease.variant.name, duration: clock.now - start, failed: false)
            return result
        } catch {
            // A client's bad input is not a model failure; only count server-side errors.
            let clientError = (error as? APIError).map { $0.status.code < 500 } ?? ((error as? EdgeError)?.code == .invalidInput)
            metrics.recordInference(model: family.name, variant: lease.variant.name, duration: clock.now - start, failed: !clientError)
            throw error
        }
    }

    /// The active variant without constraints; with them, the governor's resolution and a note
    /// saying whether every constraint is met (and why not).
    func choose(_ family: LoadedFamily, _ constraints: RequestConstraints?) throws(APIError) -> InferenceLease {
        guard let active = registry.lease(family.name) else {
            throw APIError(.serviceUnavailable, "model_unavailable", "model family '\(family.name)' was unloaded; retry")
        }
        guard let constraints else { return InferenceLease(family: family, variant: active, constraint: nil) }
        guard let resolution = resolve(family.name, constraints) else {
            return InferenceLease(family: family, variant: active, constraint: ConstraintNote(
                honoured: false, reason: "model family '\(family.name)' is not governed (its card lacks the accuracy/latency figures constraints are checked against); ran the active variant \(active.name)"))
        }
        guard let variant = family.variant(named: resolution.variant) else {
            return InferenceLease(family: family, variant: active, constraint: ConstraintNote(
                honoured: false, reason: "resolved variant \(resolution.variant) is not loaded; ran the active variant \(active.name)"))
        }
        return InferenceLease(family: family, variant: variant, constraint: ConstraintNote(honoured: resolution.honoured, reason: resolution.note))
    }
}

/// The family and variant one request runs on, and what became of its constraints.
public struct InferenceLease {
    public let family: LoadedFamily
    public let variant: LoadedVariant
    /// Set when the request carried constraints.
    let constraint: ConstraintNote?

    /// The answer's `model` object.
    var model: ModelRef { ModelRef(name: family.name, variant: variant.name, constraint: constraint) }
}

/// `model.constraint` of an answer to a request with constraints.
struct ConstraintNote: Encodable, Equatable {
    /// Whether the variant that ran meets every constraint.
    var honoured: Bool
    /// Why the variant differs from the governor's choice, or which constraint is not met.
    var reason: String?
}

/// The `model` object of every inference answer.
struct ModelRef: Encodable {
    var name: String
    var variant: String
    var constraint: ConstraintNote?
}

/// An inference route's answer: it names the variant that produced it.
protocol InferenceAnswer: Encodable {
    var model: ModelRef { get }
}

extension Response {
    /// The JSON answer of an inference route, tagged with its variant for the request summaries.
    static func inference(_ answer: some InferenceAnswer) throws -> Response {
        var response = try Response.json(answer)
        response.served = ServedModel(model: answer.model.name, variant: answer.model.variant)
        return response
    }
}

extension Duration {
    /// Milliseconds as a Double (for `latency_ms` fields).
    var milliseconds: Double {
        let c = components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
    }
}
