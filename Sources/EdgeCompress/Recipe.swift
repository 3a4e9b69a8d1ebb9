import EdgeRuntime

/// One compression method with its parameters.
public enum CompressionStep: Sendable, Equatable {
    /// Zero the fraction `sparsity` of smallest-magnitude Conv/Gemm/MatMul weights.
    case prune(sparsity: Double, scope: PruningScope)
    /// Remove the fraction `ratio` of output channels (smallest filter norm) of prunable Convs.
    case channelPrune(ratio: Double, norm: FilterNorm)
    /// Replace Gemm/MatMul/1×1-Conv weights by two thinner factors (truncated SVD).
    case lowRank(RankSelection)

    /// Method name as used in `--method` and in `metadata.variant.method`.
    public var method: String {
        switch self {
        case .prune: "prune"
        case .channelPrune: "channel-prune"
        case .lowRank: "lowrank"
        }
    }

    /// Parameters for reports and `metadata.variant.parameters`.
    public var parameters: [String: String] {
        switch self {
        case .prune(let s, let scope): ["sparsity": "\(s)", "scope": scope.rawValue]
        case .channelPrune(let r, let norm): ["ratio": "\(r)", "norm": norm.rawValue]
        case .lowRank(.ratio(let r)): ["rank-ratio": "\(r)"]
        case .lowRank(.energy(let e)): ["energy": "\(e)"]
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
    public init() {}
}

public enum Recipe {
    /// Parses a method string — one method or several joined by `+` or `,`, applied in order —
    /// into steps. Throws `invalid_input` for unknown methods, missing or out-of-range parameters.
    public static func parse(_ method: String, _ o: RecipeOptions) throws(EdgeError) -> [CompressionStep] {
        let names = method.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "+" || $0 == "," }).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
            throw EdgeError(.invalidInput, "--method is empty; use prune, channel-prune, lowrank or a recipe like channel-prune+prune")
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
            default:
                throw EdgeError(.invalidInput, "unknown compression method '\(name)'; known: prune, channel-prune, lowrank (int8/int4 are separate)")
            }
        }
    }

    /// A value strictly inside (0, 1).
    private static func fraction(_ v: Double?, _ flag: String, for method: String) throws(EdgeError) -> Double {
        guard let v else { throw EdgeError(.invalidInput, "\(method) needs \(flag) in (0, 1)") }
        guard v > 0, v < 1 else { throw EdgeError(.invalidInput, "\(flag) must be in (0, 1), got \(v)") }
        return v
    }
}
