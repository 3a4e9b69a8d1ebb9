import EdgeGovernor
import EdgeServer

/// Reads a request's constraints (`max_latency_ms`, `min_accuracy`, `quality`) from query
/// parameters (detect, recognize: their bodies are media) or JSON fields (rank). Bad values are
/// a 400 `invalid_constraint` naming the parameter.
enum ConstraintParameters {
    static let names = ["max_latency_ms", "min_accuracy", "quality"]

    /// The constraints in `query`, or nil when it has none.
    static func fromQuery(_ query: [String: String]) throws(APIError) -> RequestConstraints? {
        func number(_ key: String) throws(APIError) -> Double? {
            guard let text = query[key] else { return nil }
            guard let value = Double(text) else { throw invalid("\(key) must be a number, got '\(text.prefix(40))'") }
            return value
        }
        return try make(maxLatencyMs: number("max_latency_ms"), minAccuracy: number("min_accuracy"), quality: query["quality"])
    }

    /// Checks and combines the three values; nil when all are absent.
    static func make(maxLatencyMs: Double?, minAccuracy: Double?, quality: String?) throws(APIError) -> RequestConstraints? {
        guard maxLatencyMs != nil || minAccuracy != nil || quality != nil else { return nil }
        var parsedQuality: Quality?
        if let quality {
            guard let q = Quality(rawValue: quality) else {
                throw invalid("quality must be max, balanced or eco, got '\(quality.prefix(40))'")
            }
            parsedQuality = q
        }
        let constraints = RequestConstraints(maxLatencyMs: maxLatencyMs, minAccuracy: minAccuracy, quality: parsedQuality)
        do { try constraints.validate() } catch { throw invalid(error.message) }
        return constraints
    }

    static func invalid(_ message: String) -> APIError {
        APIError(.badRequest, "invalid_constraint", message)
    }
}
