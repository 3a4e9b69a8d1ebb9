import EdgeRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Targets of the stride-4 anchor-free head for one batch.
public struct DetectionTargets: Sendable {
    /// [N, C, h, w]: 1 at object centres, a Gaussian falling off around them (CenterNet).
    public var heatmap: TTensor
    /// [N, 4, h, w]: (left, top, right, bottom) distances from the cell centre in input pixels.
    public var boxes: TTensor
    /// [N, h, w]: 1 at positive (centre) cells, where the box loss applies.
    public var mask: [Float]
}

/// Detection losses for the heatmap + ltrb head.
extension Losses {
    /// Penalty-reduced pixel-wise focal loss on heatmap logits (CenterNet, α = 2, β = 4):
    /// positives −(1 − p)^α·log p, others −(1 − y)^β·p^α·log(1 − p), summed and divided by the
    /// number of positives (at least 1). log p and log(1 − p) come from the logits (stable).
    public static func focal(_ logits: TTensor, target: TTensor, alpha: Float = 2, beta: Float = 4) -> LossValue {
        var grad = TTensor(shape: logits.shape)
        var loss = 0.0
        var positives: Float = 0
        for i in 0..<logits.count where target.data[i] >= 1 { positives += 1 }
        let norm = 1 / max(positives, 1)
        for i in 0..<logits.count {
            let x = logits.data[i], y = target.data[i]
            let logP = -softplus(-x), log1mP = -softplus(x)
            let p = expf(logP), q = expf(log1mP)
            if y >= 1 {
                loss -= Double(powf(q, alpha) * logP)
                // d/dx of −q^α·log p, with dp/dx = p·q.
                grad.data[i] = (alpha * powf(q, alpha) * p * logP - powf(q, alpha + 1)) * norm
            } else {
                let w = powf(1 - y, beta)
                loss -= Double(w * powf(p, alpha) * log1mP)
                grad.data[i] = -w * (alpha * powf(p, alpha) * q * log1mP - powf(p, alpha + 1)) * norm
            }
        }
        return LossValue(loss: Float(loss) * norm, grad: grad)
    }

    /// L1 loss on ltrb boxes [N, 4, h, w] at masked cells, divided by 4·positives and by
    /// `scale` (pixels per unit, so the loss is in cells, not pixels).
    public static func boxL1(_ pred: TTensor, target: TTensor, mask: [Float], scale: Float = 4) -> LossValue {
        let (n, plane) = (pred.shape[0], pred.shape[2] * pred.shape[3])
        let positives = max(mask.reduce(0, +), 1)
        var grad = TTensor(shape: pred.shape)
        var loss = 0.0
        let norm = 1 / (4 * positives * scale)
        for i in 0..<n { for k in 0..<plane where mask[i * plane + k] > 0 {
            for c in 0..<4 {
                let idx = (i * 4 + c) * plane + k
                let d = pred.data[idx] - target.data[idx]
                loss += Double(abs(d))
                grad.data[idx] = (d > 0 ? 1 : (d < 0 ? -1 : 0)) * norm
            }
        } }
        return LossValue(loss: Float(loss) * norm, grad: grad)
    }

    /// GIoU loss 1 − GIoU between ltrb boxes sharing a cell centre, averaged over masked cells.
    public static func boxGIoU(_ pred: TTensor, target: TTensor, mask: [Float]) -> LossValue {
        let (n, plane) = (pred.shape[0], pred.shape[2] * pred.shape[3])
        let positives = max(mask.reduce(0, +), 1)
        var grad = TTensor(shape: pred.shape)
        var loss = 0.0
        for i in 0..<n { for k in 0..<plane where mask[i * plane + k] > 0 {
            let idx = (0..<4).map { (i * 4 + $0) * plane + k }
            let p = idx.map { pred.data[$0] }, t = idx.map { target.data[$0] }
            let (l, g) = giou(p, t)
            loss += Double(l)
            for c in 0..<4 { grad.data[idx[c]] = g[c] / positives }
        } }
        return LossValue(loss: Float(loss) / positives, grad: grad)
    }

    /// 1 − GIoU of two ltrb boxes around the same point, with its gradient w.r.t. `p`.
    static func giou(_ p: [Float], _ t: [Float]) -> (Float, [Float]) {
        let eps: Float = 1e-6
        let ap = (p[0] + p[2]) * (p[1] + p[3]), at = (t[0] + t[2]) * (t[1] + t[3])
        let iw = min(p[0], t[0]) + min(p[2], t[2]), ih = min(p[1], t[1]) + min(p[3], t[3])
        let inter = max(iw, 0) * max(ih, 0)
        let union = ap + at - inter + eps
        let cw = max(p[0], t[0]) + max(p[2], t[2]), ch = max(p[1], t[1]) + max(p[3], t[3])
        let enclose = cw * ch + eps
        // L = 2 − I/U − U/E with U = A_p + A_t − I.
        let loss = 2 - inter / union - union / enclose
        let dI = -1 / union, dU = inter / (union * union) - 1 / enclose, dE = union / (enclose * enclose)
        var g = [Float](repeating: 0, count: 4)
        for c in 0..<4 {
            let horizontal = c % 2 == 0
            let dAp = horizontal ? p[1] + p[3] : p[0] + p[2]
            let dInter: Float = (iw > 0 && ih > 0 && p[c] < t[c]) ? (horizontal ? ih : iw) : 0
            let dEnclose: Float = p[c] > t[c] ? (horizontal ? ch : cw) : 0
            g[c] = dI * dInter + dU * (dAp - dInter) + dE * dEnclose
        }
        return (loss, g)
    }

    static func softplus(_ x: Float) -> Float { x > 0 ? x + log1pf(expf(-x)) : log1pf(expf(x)) }
}
