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

    public init(registry: ModelRegistry, metrics: ServerMetrics, countRequest: @escaping @Sendable (String) -> Void = { _ in }) {
        self.registry = registry
        self.metrics = metrics
        self.countRequest = countRequest
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

    /// Leases the active variant of the `task` family, runs `body` on it, and records the
    /// inference (duration, failure) under the family and variant. The lease keeps the variant
    /// alive across a concurrent level switch.
    public func withVariant<T>(task: String, _ body: (LoadedFamily, LoadedVariant) throws -> T) throws -> T {
        let family = try family(for: task)
        guard let variant = registry.lease(family.name) else {
            throw APIError(.serviceUnavailable, "model_unavailable", "model family '\(family.name)' was unloaded; retry")
        }
        countRequest(family.name)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let result = try body(family, variant)
            metrics.recordInference(model: family.name, variant: variant.name, duration: clock.now - start, failed: false)
            return result
        } catch {
            // A client's bad input is not a model failure; only count server-side errors.
            let clientError = (error as? APIError).map { $0.status.code < 500 } ?? ((error as? EdgeError)?.code == .invalidInput)
            metrics.recordInference(model: family.name, variant: variant.name, duration: clock.now - start, failed: !clientError)
            throw error
        }
    }
}

/// The `model` object of every inference answer.
struct ModelRef: Encodable {
    var name: String
    var variant: String
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
