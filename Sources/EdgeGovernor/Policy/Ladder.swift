import EdgeRuntime

/// One compressed variant of a model, with what it costs and what it is worth.
public struct Variant: Sendable, Equatable, Codable {
    public var name: String
    /// The family's quality metric (accuracy, mAP@0.5 or AUC) in 0…1.
    public var accuracy: Double
    /// CPU time per inference in milliseconds, measured on this box (device profile) or taken
    /// from the model card.
    public var cpuMs: Double
    /// Wall-clock latency per inference (p50) in milliseconds.
    public var latencyMs: Double

    public init(name: String, accuracy: Double, cpuMs: Double, latencyMs: Double) {
        self.name = name
        self.accuracy = accuracy
        self.cpuMs = cpuMs
        self.latencyMs = latencyMs
    }
}

/// What a model's work can be reduced to beyond its cheapest variant.
public enum ModelTask: String, Sendable, Equatable, Codable {
    case speech, detection, recommendation
}

/// A model's variants, most accurate first (rung 0 is the best, the last rung the cheapest).
public struct ModelLadder: Sendable, Equatable {
    public let model: String
    public let task: ModelTask?
    public let variants: [Variant]

    /// Validates and orders the ladder.
    /// - Throws: `EdgeError(.invalidLadder)` for an empty ladder, duplicate or empty variant
    ///   names, or a number that is negative or not finite.
    public init(model: String, task: ModelTask?, variants: [Variant]) throws(EdgeError) {
        guard !model.isEmpty else { throw EdgeError(.invalidLadder, "a ladder has an empty model name") }
        guard !variants.isEmpty else { throw EdgeError(.invalidLadder, "model \(model) has no variants") }
        var names = Set<String>()
        for variant in variants {
            guard !variant.name.isEmpty else { throw EdgeError(.invalidLadder, "model \(model) has a variant with an empty name") }
            guard names.insert(variant.name).inserted else {
                throw EdgeError(.invalidLadder, "model \(model) lists variant \(variant.name) twice")
            }
            for (field, value) in [("accuracy", variant.accuracy), ("cpu_ms", variant.cpuMs), ("latency_ms", variant.latencyMs)] {
                guard value.isFinite, value >= 0 else {
                    throw EdgeError(.invalidLadder, "model \(model) variant \(variant.name): \(field) = \(value) must be a finite number ≥ 0")
                }
            }
            guard variant.accuracy <= 1 else {
                throw EdgeError(.invalidLadder, "model \(model) variant \(variant.name): accuracy \(variant.accuracy) must be in 0…1")
            }
        }
        self.model = model
        self.task = task
        // Stable sort: equal accuracies keep the card's order ("most accurate first").
        self.variants = variants.enumerated()
            .sorted { $0.element.accuracy != $1.element.accuracy ? $0.element.accuracy > $1.element.accuracy : $0.offset < $1.offset }
            .map(\.element)
    }

    /// The rung of the variant named `name`.
    public func index(of name: String) -> Int? { variants.firstIndex { $0.name == name } }

    /// The rung of the cheapest variant (least CPU; on ties, the more accurate).
    public var cheapestIndex: Int {
        variants.indices.min { variants[$0].cpuMs != variants[$1].cpuMs ? variants[$0].cpuMs < variants[$1].cpuMs : $0 < $1 }!
    }

    /// Replaces a variant's measured CPU cost (the device profile), keeping the order.
    public func withCost(variant name: String, cpuMs: Double, latencyMs: Double? = nil) throws(EdgeError) -> ModelLadder {
        guard let i = index(of: name) else { throw EdgeError(.unknownVariant, "model \(model) has no variant \(name)") }
        var copy = variants
        copy[i].cpuMs = cpuMs
        if let latencyMs { copy[i].latencyMs = latencyMs }
        return try ModelLadder(model: model, task: task, variants: copy)
    }
}
