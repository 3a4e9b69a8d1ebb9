import EdgeRuntime
#if canImport(Glibc)
import Glibc
#endif

/// What a detection student is distilled from: the teacher's outputs on the training set, in
/// the data's sample order.
public struct DetectionDistillation: Sendable {
    /// Teacher `heatmap` [N, C, G, G]: class probabilities after sigmoid (the soft target).
    public var teacherHeatmap: TTensor
    /// Teacher `boxes` [N, 4, G, G] (ltrb pixels); nil: boxes learn from the ground truth only.
    public var teacherBoxes: TTensor?
    /// Weight α of the soft heatmap term; the hard CenterNet focal loss gets 1 − α.
    public var alpha: Float
    /// Weight of the L1 to the teacher's boxes at positive cells; the ground-truth L1 gets 1 − it.
    public var boxAlpha: Float
    public var classes: Int

    public init(teacherHeatmap: TTensor, teacherBoxes: TTensor?, alpha: Float, boxAlpha: Float, classes: Int) {
        self.teacherHeatmap = teacherHeatmap
        self.teacherBoxes = teacherBoxes
        self.alpha = alpha
        self.boxAlpha = boxAlpha
        self.classes = classes
    }
}

extension Losses {
    /// Soft-target focal loss on heatmap logits against probabilities `target` (Quality Focal
    /// Loss, Li et al. 2020, β = 2): |t − p|^β · BCE(x, t) per cell, p = σ(x), summed and
    /// divided by `normalizer` (the hard target's positive count, as in `focal`). With β = 2:
    /// dL/dx = (p − t)·(2·p·(1 − p)·BCE + (p − t)²).
    public static func softFocal(_ logits: TTensor, target: TTensor, normalizer: Float) -> LossValue {
        var grad = TTensor(shape: logits.shape)
        var loss = 0.0
        let norm = 1 / max(normalizer, 1)
        for i in 0..<logits.count {
            let x = logits.data[i], t = target.data[i]
            let p = 1 / (1 + expf(-x))
            let bce = max(x, 0) - x * t + log1pf(expf(-abs(x)))
            let d = p - t
            loss += Double(d * d * bce)
            grad.data[i] = d * (2 * p * (1 - p) * bce + d * d) * norm
        }
        return LossValue(loss: Float(loss) * norm, grad: grad)
    }

    /// The detector's objective for one batch: focal loss on the heat logits + `boxWeight`·(L1
    /// or GIoU) on the boxes at positive cells; with a teacher, the heat term becomes
    /// (1 − α)·focal + α·softFocal(teacher heatmap) and the box term (1 − boxAlpha)·L1(truth) +
    /// boxAlpha·L1(teacher boxes) at the same cells. Returns the loss and the two heads' gradients.
    public static func detection(heatLogits: TTensor, boxes: TTensor, targets t: DetectionTargets, boxWeight: Float, giou: Bool,
                                 teacher: (heatmap: TTensor, boxes: TTensor?, alpha: Float, boxAlpha: Float)? = nil) -> (loss: Float, heat: TTensor, boxes: TTensor) {
        var heat = focal(heatLogits, target: t.heatmap)
        var box = giou ? boxGIoU(boxes, target: t.boxes, mask: t.mask) : boxL1(boxes, target: t.boxes, mask: t.mask)
        if let teacher {
            let positives = t.heatmap.data.reduce(into: Float(0)) { n, v in if v >= 1 { n += 1 } }
            let soft = softFocal(heatLogits, target: teacher.heatmap, normalizer: positives)
            heat = mix(heat, soft, teacher.alpha)
            if let tb = teacher.boxes { box = mix(box, boxL1(boxes, target: tb, mask: t.mask), teacher.boxAlpha) }
        }
        for i in 0..<box.grad.count { box.grad.data[i] *= boxWeight }
        return (heat.loss + boxWeight * box.loss, heat.grad, box.grad)
    }

    /// (1 − w)·a + w·b, loss and gradient.
    static func mix(_ a: LossValue, _ b: LossValue, _ w: Float) -> LossValue {
        var out = a
        out.loss = (1 - w) * a.loss + w * b.loss
        for i in 0..<out.grad.count { out.grad.data[i] = (1 - w) * a.grad.data[i] + w * b.grad.data[i] }
        return out
    }
}
