import Foundation

/// A ladder at a given request rate: what each rung costs and which rung fits a share.
struct LadderFit {
    let ladder: ModelLadder
    /// Requests per second.
    let rate: Double
    let mode: EffectiveMode
    /// Balanced mode's accuracy tolerance.
    let tolerance: Double

    /// Cores used by rung `i` at the rate: cpu_ms / 1000 × requests per second.
    func cost(_ i: Int) -> Double { ladder.variants[i].cpuMs / 1000 * rate }

    /// The rung the mode prefers when `limit` cores are available (nil = unlimited):
    /// eco → the cheapest; otherwise the most accurate rung costing ≤ limit, and in balanced
    /// mode the cheapest rung within `tolerance` accuracy of that one. When nothing fits, the
    /// cheapest rung.
    func pick(limit: Double?) -> Int {
        let variants = ladder.variants
        if mode == .eco { return ladder.cheapestIndex }
        guard let best = variants.indices.first(where: { limit == nil || cost($0) <= limit! }) else {
            return ladder.cheapestIndex
        }
        guard mode == .balanced else { return best }
        let floor = variants[best].accuracy - tolerance
        return variants.indices
            .filter { variants[$0].accuracy >= floor - 1e-12 && (limit == nil || cost($0) <= limit!) }
            .min { variants[$0].cpuMs != variants[$1].cpuMs ? variants[$0].cpuMs < variants[$1].cpuMs : $0 < $1 }!
    }

    /// What the model would use with an unlimited budget, in cores.
    var demand: Double { cost(pick(limit: nil)) }

    /// Work reduction at the cheapest rung: in eco mode, or when even the cheapest rung does not
    /// fit `limit`. Detection skips frames (stride grows with the overshoot, at least 2, at most
    /// `maxStride`); speech switches to the stricter VAD gate; other tasks have no reduction.
    func workReduction(rung: Int, limit: Double, maxStride: Int) -> WorkReduction {
        guard rung == ladder.cheapestIndex else { return .none }
        let overshoot = cost(rung) > limit
        guard mode == .eco || overshoot else { return .none }
        switch ladder.task {
        case .detection?:
            let needed = limit > 0 ? Int((cost(rung) / limit).rounded(.up)) : maxStride
            return WorkReduction(frameStride: min(maxStride, max(2, overshoot ? needed : 2)))
        case .speech?:
            return WorkReduction(strictVAD: true)
        default:
            return .none
        }
    }
}

/// Splits the budget between models by max-min fairness (water-filling): a model whose demand
/// is below its weighted fair share gets its demand, and the rest is shared among the others,
/// so a light model never strands budget a heavy one could use. When every demand is met, the
/// surplus is handed out in proportion to demand, so every model sees the same utilisation
/// (total demand / budget) and the up/down thresholds act on the machine as a whole.
enum BudgetSplit {
    /// - Parameters:
    ///   - demands: model → cores it would use unconstrained; models with zero demand get a
    ///     nominal fair share (they cost nothing at any rung).
    ///   - weights: model → weight (default 1).
    static func shares(budget: Double, demands: [String: Double], weights: [String: Double]) -> [String: Double] {
        var result: [String: Double] = [:]
        var remaining = max(0, budget)
        var open = Set(demands.filter { $0.value > 0 }.keys)
        func weight(_ m: String) -> Double { weights[m] ?? 1 }
        while !open.isEmpty {
            let total = open.reduce(0) { $0 + weight($1) }
            let satisfied = open.filter { demands[$0]! <= remaining * weight($0) / total }
            if satisfied.isEmpty {
                for m in open { result[m] = remaining * weight(m) / total }
                remaining = 0
                break
            }
            for m in satisfied {
                result[m] = demands[m]!
                remaining -= demands[m]!
                open.remove(m)
            }
        }
        let totalDemand = demands.values.reduce(0) { $0 + max(0, $1) }
        if remaining > 0 && totalDemand > 0 {
            for (m, demand) in demands where demand > 0 { result[m]! += remaining * demand / totalDemand }
            remaining = 0
        }
        // Idle models cost nothing at any rung; a nominal fair share keeps their status readable.
        let total = demands.keys.reduce(0) { $0 + weight($1) }
        for m in demands.keys where result[m] == nil {
            result[m] = total > 0 ? max(0, budget) * weight(m) / total : 0
        }
        return result
    }
}
