import EdgeRuntime

/// One compression method with its parameters.
public enum CompressionStep: Sendable, Equatable {
    /// Zero the fraction `sparsity` of smallest-magnitude Conv/Gemm/MatMul weights.
    case prune(sparsity: Double, scope: PruningScope)
    /// Remove the fraction `ratio` of output channels (smallest filter norm) of prunable Convs.
    case channelPrune(ratio: Double, norm: FilterNorm)
    /// Replace Gemm/MatMul/1×1-Conv weights by two thinner factors (truncated SVD).
    case lowRank(RankSelection)
    /// Static int8 post-training quantization (calibrated QDQ graph; optional mixed precision).
    case int8(Int8Settings)
    /// Dynamic int8: int8 per-channel weights, activations quantized per call.
    case int8Dynamic(perChannel: Bool)
    /// Weight-only group-wise symmetric int4 for Gemm/MatMul/Gather weights.
    case int4(group: Int)

    /// Method name as used in `--method` and in `metadata.variant.method`.
    public var method: String {
        switch self {
        case .prune: "prune"
        case .channelPrune: "channel-prune"
        case .lowRank: "lowrank"
        case .int8: "int8"
        case .int8Dynamic: "int8-dynamic"
        case .int4: "int4"
        }
    }

    /// Parameters for reports and `metadata.variant.parameters`.
    public var parameters: [String: String] {
        switch self {
        case .prune(let s, let scope): ["sparsity": "\(s)", "scope": scope.rawValue]
        case .channelPrune(let r, let norm): ["ratio": "\(r)", "norm": norm.rawValue]
        case .lowRank(.ratio(let r)): ["rank-ratio": "\(r)"]
        case .lowRank(.energy(let e)): ["energy": "\(e)"]
        case .int8(let q):
            ["observer": q.observer.name, "weights": q.perChannel ? "per-channel" : "per-tensor",
             "activations": q.signedActivations ? "int8" : "uint8", "bias-correction": "\(q.biasCorrection)"]
        case .int8Dynamic(let perChannel): ["weights": perChannel ? "per-channel" : "per-tensor"]
        case .int4(let group): ["group": "\(group)"]
        }
    }
}

/// Whether magnitude pruning ranks weights per layer or across all layers together.
public enum PruningScope: String, Sendable, Equatable { case layer, global }

/// Filter importance for channel pruning.
public enum FilterNorm: String, Sendable, Equatable { case l1, l2 }

/// How low-rank factorization picks each layer's rank.
public enum RankSelection: Sendable, Equatable {
    /// rank = round(ratio · min(K, N)), at least 1.
    case ratio(Double)
    /// Smallest rank keeping this fraction of Σσ² (the squared Frobenius norm).
    case energy(Double)
}

/// Command-line style options from which a recipe is built.
public struct RecipeOptions: Sendable {
    public var sparsity: Double?
    public var scope: String = "layer"
    public var ratio: Double?
    public var norm: String = "l1"
    public var rankRatio: Double?
    public var energy: Double?
    /// int8: minmax, percentile, mse or entropy.
    public var observer: String = "minmax"
    /// int8 percentile observer: percent of values kept (e.g. 99.99).
    public var percentile: Double = 99.99
    /// int8: "per-channel" or "per-tensor" weight scales.
    public var weights: String = "per-channel"
    /// int8: "uint8" or "int8" activations.
    public var activations: String = "uint8"
    public var biasCorrection = false
    /// int4: weights per scale group.
    public var group: Int = 32
    public init() {}
}

public enum Recipe {
    /// Parses a method string — one method or several joined by `+` or `,`, applied in order —
    /// into steps. Throws `invalid_input` for unknown methods, missing or out-of-range parameters.
    public static func parse(_ method: String, _ o: RecipeOptions) throws(EdgeError) -> [CompressionStep] {
        let names = method.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "+" || $0 == "," }).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
            throw EdgeError(.invalidInput, "--method is empty; use prune, channel-prune, lowrank, int8, int8-dynamic, int4 or a recipe like channel-prune+int8")
        }
        return try names.map { (name) throws(EdgeError) -> CompressionStep in
            switch name {
            case "prune":
                let s = try fraction(o.sparsity, "--sparsity", for: name)
                guard let scope = PruningScope(rawValue: o.scope) else {
                    throw EdgeError(.invalidInput, "--scope must be layer or global, got '\(o.scope)'")
                }
                return .prune(sparsity: s, scope: scope)
            case "channel-prune":
                let r = try fraction(o.ratio, "--ratio", for: name)
                guard let norm = FilterNorm(rawValue: o.norm) else {
                    throw EdgeError(.invalidInput, "--norm must be l1 or l2, got '\(o.norm)'")
                }
                return .channelPrune(ratio: r, norm: norm)
            case "lowrank":
                switch (o.rankRatio, o.energy) {
                case (let r?, nil): return .lowRank(.ratio(try fraction(r, "--rank-ratio", for: name)))
                case (nil, let e?): return .lowRank(.energy(try fraction(e, "--energy", for: name)))
                default: throw EdgeError(.invalidInput, "lowrank needs exactly one of --rank-ratio or --energy")
                }
            case "int8", "int8-dynamic", "int4":
                return try quantizationStep(name, o)
            default:
                throw EdgeError(.invalidInput, "unknown compression method '\(name)'; known: prune, channel-prune, lowrank, int8, int8-dynamic, int4")
            }
        }
    }

    private static func quantizationStep(_ name: String, _ o: RecipeOptions) throws(EdgeError) -> CompressionStep {
        guard ["per-channel", "per-tensor"].contains(o.weights) else {
            throw EdgeError(.invalidInput, "--weights must be per-channel or per-tensor, got '\(o.weights)'")
        }
        switch name {
        case "int4":
            // ONNX Runtime's MatMulNBits / GatherBlockQuantized need a power of two ≥ 16.
            guard o.group >= 16, o.group <= 4096, o.group & (o.group - 1) == 0 else {
                throw EdgeError(.invalidInput, "--group must be a power of two in 16…4096, got \(o.group)")
            }
            return .int4(group: o.group)
        case "int8-dynamic":
            return .int8Dynamic(perChannel: o.weights == "per-channel")
        default:
            var q = Int8Settings()
            switch o.observer {
            case "minmax": q.observer = .minMax
            case "percentile":
                guard o.percentile > 50, o.percentile <= 100 else {
                    throw EdgeError(.invalidInput, "--percentile must be in (50, 100], got \(o.percentile)")
                }
                q.observer = .percentile(o.percentile)
            case "mse": q.observer = .mse
            case "entropy", "kl": q.observer = .entropy
            default: throw EdgeError(.invalidInput, "--observer must be minmax, percentile, mse or entropy, got '\(o.observer)'")
            }
            guard ["uint8", "int8"].contains(o.activations) else {
                throw EdgeError(.invalidInput, "--activations must be uint8 or int8, got '\(o.activations)'")
            }
            q.perChannel = o.weights == "per-channel"
            q.signedActivations = o.activations == "int8"
            q.biasCorrection = o.biasCorrection
            return .int8(q)
        }
    }

    /// A value strictly inside (0, 1).
    private static func fraction(_ v: Double?, _ flag: String, for method: String) throws(EdgeError) -> Double {
        guard let v else { throw EdgeError(.invalidInput, "\(method) needs \(flag) in (0, 1)") }
        guard v > 0, v < 1 else { throw EdgeError(.invalidInput, "\(flag) must be in (0, 1), got \(v)") }
        return v
    }
}
