import EdgeRuntime
#if canImport(Glibc)
import Glibc
#endif

/// A scalar loss and its gradient with respect to the network output it was computed from.
public struct LossValue: Sendable {
    public var loss: Float
    public var grad: TTensor
}

/// Losses over logits; every loss is a mean over the batch and returns dLoss/dLogits.
public enum Losses {
    /// Row-wise log-softmax of [N, C] (max-shifted, Double accumulation).
    static func logSoftmax(_ x: TTensor, temperature: Float = 1) -> [Float] {
        let (n, c) = (x.shape[0], x.itemCount)
        var out = [Float](repeating: 0, count: x.count)
        for i in 0..<n {
            var m = -Float.infinity
            for j in 0..<c { m = max(m, x.data[i * c + j] / temperature) }
            var s = 0.0
            for j in 0..<c { s += exp(Double(x.data[i * c + j] / temperature - m)) }
            let lse = m + Float(log(s))
            for j in 0..<c { out[i * c + j] = x.data[i * c + j] / temperature - lse }
        }
        return out
    }

    /// Softmax cross-entropy of logits [N, C] against class indices, with label smoothing ε:
    /// the target is (1 − ε)·onehot + ε/C.
    public static func softmaxCrossEntropy(_ logits: TTensor, labels: [Int], smoothing: Float = 0) -> LossValue {
        let (n, c) = (logits.shape[0], logits.itemCount)
        let logp = logSoftmax(logits)
        var grad = TTensor(shape: logits.shape)
        var loss = 0.0
        for i in 0..<n {
            for j in 0..<c {
                let t = (j == labels[i] ? 1 - smoothing : 0) + smoothing / Float(c)
                loss -= Double(t * logp[i * c + j])
                grad.data[i * c + j] = (exp(logp[i * c + j]) - t) / Float(n)
            }
        }
        return LossValue(loss: Float(loss / Double(n)), grad: grad)
    }

    /// Binary cross-entropy with logits (any shape) against targets in [0, 1], stable form
    /// max(x, 0) − x·t + log(1 + e^−|x|).
    public static func binaryCrossEntropy(_ logits: TTensor, targets: [Float]) -> LossValue {
        let n = Float(logits.count)
        var grad = TTensor(shape: logits.shape)
        var loss = 0.0
        for i in 0..<logits.count {
            let x = logits.data[i], t = targets[i]
            loss += Double(max(x, 0) - x * t + log1pf(expf(-abs(x))))
            grad.data[i] = (1 / (1 + expf(-x)) - t) / n
        }
        return LossValue(loss: Float(loss / Double(n)), grad: grad)
    }

    /// Knowledge distillation: α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1 − α)·CE(labels).
    /// The T² factor keeps the soft-target gradient scale independent of T (Hinton et al. 2015).
    public static func distillation(student: TTensor, teacher: TTensor, labels: [Int], alpha: Float, temperature: Float) -> LossValue {
        let (n, c) = (student.shape[0], student.itemCount)
        let ls = logSoftmax(student, temperature: temperature), lt = logSoftmax(teacher, temperature: temperature)
        var hard = softmaxCrossEntropy(student, labels: labels)
        var kl = 0.0
        for i in 0..<n * c {
            let pt = exp(lt[i])
            kl += Double(pt * (lt[i] - ls[i]))
            // d/ds of T²·KL = T·(p_s − p_t), averaged over the batch.
            hard.grad.data[i] = alpha * temperature * (exp(ls[i]) - pt) / Float(n) + (1 - alpha) * hard.grad.data[i]
        }
        let t2 = temperature * temperature
        return LossValue(loss: alpha * t2 * Float(kl / Double(n)) + (1 - alpha) * hard.loss, grad: hard.grad)
    }

    /// Knowledge distillation for one logit (binary tasks such as the match ranker):
    /// α·T²·KL(Bernoulli(σ(t/T)) ‖ Bernoulli(σ(s/T))) + (1 − α)·BCE(s, targets). A softmax over a
    /// single logit is constant, so the multi-class form cannot be used for binary heads.
    public static func binaryDistillation(student: TTensor, teacher: TTensor, targets: [Float], alpha: Float, temperature: Float) -> LossValue {
        let n = Float(student.count)
        var hard = binaryCrossEntropy(student, targets: targets)
        var kl = 0.0
        for i in 0..<student.count {
            let s = student.data[i] / temperature, t = teacher.data[i] / temperature
            let pt = 1 / (1 + expf(-t))
            // KL = BCE(s, p_t) − BCE(t, p_t): cross-entropy minus the teacher's own entropy.
            kl += Double((max(s, 0) - s * pt + log1pf(expf(-abs(s)))) - (max(t, 0) - t * pt + log1pf(expf(-abs(t)))))
            // d/ds of T²·KL = T·(σ(s/T) − p_t), averaged over the batch.
            hard.grad.data[i] = alpha * temperature * (1 / (1 + expf(-s)) - pt) / n + (1 - alpha) * hard.grad.data[i]
        }
        return LossValue(loss: alpha * temperature * temperature * Float(kl / Double(n)) + (1 - alpha) * hard.loss, grad: hard.grad)
    }

    /// Mean squared error ½·mean((x − target)²) (feature-hint loss).
    public static func meanSquaredError(_ x: TTensor, target: TTensor) -> LossValue {
        var grad = TTensor(shape: x.shape)
        var loss = 0.0
        let n = Float(x.count)
        for i in 0..<x.count {
            let d = x.data[i] - target.data[i]
            loss += Double(d * d)
            grad.data[i] = d / n
        }
        return LossValue(loss: Float(loss / 2 / Double(n)), grad: grad)
    }
}
