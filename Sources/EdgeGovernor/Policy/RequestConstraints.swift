import EdgeRuntime

/// Constraints a single request may carry. They override the governor's choice for that
/// request only.
public struct RequestConstraints: Sendable, Equatable, Codable {
    /// Largest acceptable p50 latency of the variant, in milliseconds.
    public var maxLatencyMs: Double?
    /// Smallest acceptable accuracy (the family's metric, 0…1).
    public var minAccuracy: Double?
    /// Starting preference before the limits are applied (default: the governor's choice).
    public var quality: Quality?

    public init(maxLatencyMs: Double? = nil, minAccuracy: Double? = nil, quality: Quality? = nil) {
        self.maxLatencyMs = maxLatencyMs
        self.minAccuracy = minAccuracy
        self.quality = quality
    }

    enum CodingKeys: String, CodingKey {
        case maxLatencyMs = "max_latency_ms", minAccuracy = "min_accuracy", quality
    }

    /// Rejects values no variant could ever be measured against (negative, NaN, infinite).
    public func validate() throws(EdgeError) {
        if let maxLatencyMs, !(maxLatencyMs.isFinite && maxLatencyMs > 0) {
            throw EdgeError(.invalidConfiguration, "max_latency_ms = \(maxLatencyMs) must be a number > 0")
        }
        if let minAccuracy, !(minAccuracy.isFinite && minAccuracy >= 0 && minAccuracy <= 1) {
            throw EdgeError(.invalidConfiguration, "min_accuracy = \(minAccuracy) must be in 0…1")
        }
    }
}

/// The variant a request runs on, and a note when its constraints could not all be honoured.
public struct Resolution: Sendable, Equatable, Codable {
    public var variant: String
    /// Whether every constraint is met by `variant`.
    public var honoured: Bool
    /// Why the variant differs from the governor's choice, or which constraint is not met.
    public var note: String?
}

extension ModelLadder {
    /// Resolves `constraints` against this ladder, starting from the governor's `current` rung.
    ///
    /// The preferred rung comes from `quality` (max → rung 0, eco → cheapest, balanced or none →
    /// `current`). If it meets both limits it is used. Otherwise the nearest rung to it that meets
    /// both is used (on a tie, the more accurate). If no rung meets both, `max_latency_ms` wins —
    /// a late answer is usually useless — so the most accurate rung within the latency limit is
    /// used and the note says `min_accuracy` is not honoured; if no rung meets the latency
    /// either, the fastest rung is used and the note says so.
    public func resolve(_ constraints: RequestConstraints, current: Int) -> Resolution {
        let preferred: Int
        switch constraints.quality {
        case .max?: preferred = 0
        case .eco?: preferred = cheapestIndex
        case .balanced?, nil: preferred = min(max(current, 0), variants.count - 1)
        }
        func meetsLatency(_ i: Int) -> Bool { constraints.maxLatencyMs.map { variants[i].latencyMs <= $0 } ?? true }
        func meetsAccuracy(_ i: Int) -> Bool { constraints.minAccuracy.map { variants[i].accuracy >= $0 } ?? true }
        func nearest(_ candidates: [Int]) -> Int? {
            candidates.min { abs($0 - preferred) != abs($1 - preferred) ? abs($0 - preferred) < abs($1 - preferred) : $0 < $1 }
        }
        if meetsLatency(preferred) && meetsAccuracy(preferred) {
            return Resolution(variant: variants[preferred].name, honoured: true, note: nil)
        }
        if let both = nearest(variants.indices.filter { meetsLatency($0) && meetsAccuracy($0) }) {
            let why = !meetsAccuracy(preferred)
                ? "\(variants[preferred].name) has accuracy \(variants[preferred].accuracy) < min_accuracy \(constraints.minAccuracy!)"
                : "\(variants[preferred].name) has latency \(variants[preferred].latencyMs) ms > max_latency_ms \(constraints.maxLatencyMs!)"
            return Resolution(variant: variants[both].name, honoured: true, note: "\(why); using \(variants[both].name)")
        }
        // No rung meets both, so min_accuracy is what fails: take the most accurate rung that
        // still meets the latency limit (rung 0 when there is none).
        if let fast = variants.indices.first(where: meetsLatency) {
            let within = constraints.maxLatencyMs.map { " within max_latency_ms \($0)" } ?? ""
            return Resolution(variant: variants[fast].name, honoured: false,
                              note: "min_accuracy \(constraints.minAccuracy!) cannot be honoured\(within): the best is \(variants[fast].name) at \(variants[fast].accuracy)")
        }
        let fastest = variants.indices.min { variants[$0].latencyMs < variants[$1].latencyMs }!
        return Resolution(variant: variants[fastest].name, honoured: false,
                          note: "max_latency_ms \(constraints.maxLatencyMs!) cannot be honoured: the fastest variant \(variants[fastest].name) takes \(variants[fastest].latencyMs) ms")
    }
}
