import EdgeRuntime

/// Update rules (PyTorch semantics, so hand-computed and reference values agree).
public enum OptimizerKind: Sendable, Equatable {
    /// buf = μ·buf + g; step = g + μ·buf (Nesterov) or buf.
    case sgd(momentum: Float, nesterov: Bool)
    /// Adam with L2 weight decay added to the gradient.
    case adam(beta1: Float, beta2: Float, epsilon: Float)
    /// AdamW: decoupled weight decay w ← w − lr·λ·w before the Adam step.
    case adamW(beta1: Float, beta2: Float, epsilon: Float)

    var name: String {
        switch self {
        case .sgd: "sgd"
        case .adam: "adam"
        case .adamW: "adamw"
        }
    }
}

/// A first-order optimizer over named parameters. State (momentum / moment buffers, step count)
/// is keyed by parameter name, so checkpoints can save and restore it.
public final class Optimizer: @unchecked Sendable {
    public let kind: OptimizerKind
    /// Weight decay λ, applied only to parameters with `decays`.
    public var weightDecay: Float
    /// Number of `step` calls so far (Adam bias correction uses it).
    public internal(set) var stepCount = 0
    /// Slot name ("<param>.m", "<param>.v", "<param>.momentum") → buffer.
    public internal(set) var slots: [String: [Float]] = [:]

    public init(_ kind: OptimizerKind, weightDecay: Float = 0) {
        self.kind = kind
        self.weightDecay = weightDecay
    }

    private func slot(_ name: String, _ count: Int) -> [Float] {
        slots[name] ?? [Float](repeating: 0, count: count)
    }

    /// Applies one update with learning rate `lr` to every parameter from its gradient.
    public func step(_ parameters: [Parameter], lr: Float) {
        stepCount += 1
        let t = Float(stepCount)
        for p in parameters {
            let wd = p.decays ? weightDecay : 0
            switch kind {
            case .sgd(let mu, let nesterov):
                var buf = slot("\(p.name).momentum", p.count)
                for i in 0..<p.count {
                    let g = p.grad[i] + wd * p.value[i]
                    buf[i] = mu * buf[i] + g
                    p.value[i] -= lr * (nesterov ? g + mu * buf[i] : buf[i])
                }
                if mu != 0 { slots["\(p.name).momentum"] = buf }
            case .adam(let b1, let b2, let eps), .adamW(let b1, let b2, let eps):
                let decoupled = { if case .adamW = kind { return true } else { return false } }()
                var m = slot("\(p.name).m", p.count), v = slot("\(p.name).v", p.count)
                let c1 = 1 - powf(b1, t), c2 = 1 - powf(b2, t)
                for i in 0..<p.count {
                    if decoupled { p.value[i] -= lr * wd * p.value[i] }
                    let g = p.grad[i] + (decoupled ? 0 : wd * p.value[i])
                    m[i] = b1 * m[i] + (1 - b1) * g
                    v[i] = b2 * v[i] + (1 - b2) * g * g
                    p.value[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
                }
                slots["\(p.name).m"] = m
                slots["\(p.name).v"] = v
            }
        }
    }

    /// Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping.
    @discardableResult
    public static func clipGradients(_ parameters: [Parameter], maxNorm: Float) -> Float {
        var sum = 0.0
        for p in parameters { for g in p.grad { sum += Double(g) * Double(g) } }
        let norm = Float(sum.squareRoot())
        if norm > maxNorm, norm > 0 {
            let s = maxNorm / norm
            for p in parameters { for i in 0..<p.count { p.grad[i] *= s } }
        }
        return norm
    }
}

/// Learning rate as a function of the step (0-based).
public enum LRSchedule: Sendable, Equatable {
    case constant(Float)
    /// base · γ^⌊step / every⌋.
    case step(base: Float, every: Int, gamma: Float)
    /// Linear warmup from 0 over `warmup` steps, then cosine decay from base to `minLR` at `total`.
    case cosine(base: Float, warmup: Int, total: Int, minLR: Float)

    public func lr(at step: Int) -> Float {
        switch self {
        case .constant(let v): return v
        case .step(let base, let every, let gamma): return base * powf(gamma, Float(step / max(every, 1)))
        case .cosine(let base, let warmup, let total, let minLR):
            if step < warmup { return base * Float(step + 1) / Float(warmup) }
            let progress = min(Float(step - warmup) / Float(max(total - warmup, 1)), 1)
            return minLR + (base - minLR) * 0.5 * (1 + cosf(.pi * progress))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
