import EdgeRuntime
import Foundation

/// The policy's tunables. Decodes from JSON (or any `Decoder`) with snake_case keys; every key is
/// optional and falls back to the default shown. `validate()` (called by `Policy.init`) rejects
/// values that would make the policy meaningless, with a message naming the key.
public struct PolicyConfiguration: Sendable, Equatable, Codable {
    /// Share of the machine's cores the daemon may use for inference (`cpu_share`, 0 < x ≤ 1).
    public var cpuShare = 0.5
    /// Move down when the current variant's cost exceeds `share × down_threshold`.
    public var downThreshold = 1.0
    /// Move up only to a variant whose cost is at most `share × up_threshold` (< down).
    public var upThreshold = 0.8
    /// A move up (or a mode relaxing) needs its condition to hold this long, and this long since
    /// the model's last switch (`min_dwell_seconds`).
    public var minDwellSeconds = 30.0
    /// Balanced mode takes the cheapest variant within this accuracy (0…1) of the best that fits
    /// (`balanced_tolerance`; 0.005 = half a point).
    public var balancedTolerance = 0.005
    /// Mode applied in `auto` when no rule matches (`auto_default`).
    public var autoDefault: EffectiveMode = .balanced
    /// Mode rules in the `RuleParser` format, tried in order.
    public var rules = ["battery < 20% and discharging -> eco"]
    /// Relative weight of each model when the budget is shared (`model_weights`; default 1).
    public var modelWeights: [String: Double] = [:]
    /// Largest "detect every n-th frame" stride suggested at the lowest rung (`max_frame_stride`).
    public var maxFrameStride = 4
    /// Headroom factors (`factors`).
    public var factors = BudgetFactors()

    public init() {}

    enum CodingKeys: String, CodingKey {
        case cpuShare = "cpu_share", downThreshold = "down_threshold", upThreshold = "up_threshold"
        case minDwellSeconds = "min_dwell_seconds", balancedTolerance = "balanced_tolerance"
        case autoDefault = "auto_default", rules, modelWeights = "model_weights"
        case maxFrameStride = "max_frame_stride", factors
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = PolicyConfiguration()
        cpuShare = try c.decode(.cpuShare, default: d.cpuShare)
        downThreshold = try c.decode(.downThreshold, default: d.downThreshold)
        upThreshold = try c.decode(.upThreshold, default: d.upThreshold)
        minDwellSeconds = try c.decode(.minDwellSeconds, default: d.minDwellSeconds)
        balancedTolerance = try c.decode(.balancedTolerance, default: d.balancedTolerance)
        autoDefault = try c.decode(.autoDefault, default: d.autoDefault)
        rules = try c.decode(.rules, default: d.rules)
        modelWeights = try c.decode(.modelWeights, default: d.modelWeights)
        maxFrameStride = try c.decode(.maxFrameStride, default: d.maxFrameStride)
        factors = try c.decode(.factors, default: d.factors)
    }

    /// Decodes a JSON configuration, turning decoding failures into `EdgeError`s that name
    /// the key, then validates it.
    public static func fromJSON(_ data: Data) throws(EdgeError) -> PolicyConfiguration {
        let configuration: PolicyConfiguration
        do {
            configuration = try JSONDecoder().decode(PolicyConfiguration.self, from: data)
        } catch let error as DecodingError {
            throw EdgeError(.invalidConfiguration, "governor configuration: \(LadderLoader.describe(error))")
        } catch {
            throw EdgeError(.invalidConfiguration, "governor configuration: \(error)")
        }
        try configuration.validate()
        return configuration
    }

    /// Checks ranges and parses the rules.
    public func validate() throws(EdgeError) {
        func check(_ ok: Bool, _ message: String) throws(EdgeError) {
            if !ok { throw EdgeError(.invalidConfiguration, message) }
        }
        try check(cpuShare > 0 && cpuShare <= 1, "cpu_share = \(cpuShare) must be in (0, 1]")
        try check(upThreshold > 0 && upThreshold < downThreshold && downThreshold.isFinite,
                  "need 0 < up_threshold (\(upThreshold)) < down_threshold (\(downThreshold)) for hysteresis")
        try check(minDwellSeconds >= 0 && minDwellSeconds.isFinite, "min_dwell_seconds = \(minDwellSeconds) must be ≥ 0")
        try check(balancedTolerance >= 0 && balancedTolerance <= 1, "balanced_tolerance = \(balancedTolerance) must be in 0…1")
        try check(maxFrameStride >= 1 && maxFrameStride <= 1000, "max_frame_stride = \(maxFrameStride) must be in 1…1000")
        for (model, weight) in modelWeights {
            try check(weight > 0 && weight.isFinite, "model_weights.\(model) = \(weight) must be > 0")
        }
        try factors.validate()
        _ = try RuleParser.parse(rules: rules)
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or `fallback` when the key is absent (a present but wrong value still throws).
    func decode<T: Decodable>(_ key: Key, default fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}
