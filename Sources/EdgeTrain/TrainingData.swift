import EdgeRuntime

/// One ground-truth box in input pixels.
public struct GroundTruthBox: Sendable, Equatable {
    public var label: Int
    public var x0: Float, y0: Float, x1: Float, y1: Float
    public init(label: Int, x0: Float, y0: Float, x1: Float, y1: Float) {
        self.label = label
        (self.x0, self.y0, self.x1, self.y1) = (x0, y0, x1, y1)
    }
}

/// A whole dataset in memory: one tensor per network input plus the supervision of the task.
public struct TrainingData: Sendable {
    /// One per graph input, each [N, …].
    public var inputs: [TTensor]
    /// Class indices (classification / speech).
    public var labels: [Int]?
    /// Binary targets in [0, 1] (recommendation).
    public var targets: [Float]?
    /// Boxes per sample (detection).
    public var boxes: [[GroundTruthBox]]?

    public init(inputs: [TTensor], labels: [Int]? = nil, targets: [Float]? = nil, boxes: [[GroundTruthBox]]? = nil) {
        self.inputs = inputs
        self.labels = labels
        self.targets = targets
        self.boxes = boxes
    }

    public var count: Int { inputs.first?.batch ?? 0 }

    /// The given samples (a mini-batch).
    public func subset(_ idx: ArraySlice<Int>) -> TrainingData {
        TrainingData(inputs: inputs.map { $0.rows(idx) }, labels: labels.map { l in idx.map { l[$0] } },
                     targets: targets.map { t in idx.map { t[$0] } }, boxes: boxes.map { b in idx.map { b[$0] } })
    }
}

/// CenterNet-style targets of the stride-4 head from boxes.
public enum DetectionTargetBuilder {
    /// Heatmap Gaussians with σ = 0.54·(box size in cells)/6 per axis (TTFNet), peak 1 at the
    /// centre cell; ltrb distances in pixels from that cell's centre; mask 1 there.
    public static func build(_ boxes: [[GroundTruthBox]], classes: Int, size: Int, stride: Int = 4) -> DetectionTargets {
        let n = boxes.count, cells = size / stride, plane = cells * cells
        var heat = TTensor(shape: [n, classes, cells, cells])
        var ltrb = TTensor(shape: [n, 4, cells, cells])
        var mask = [Float](repeating: 0, count: n * plane)
        for (i, list) in boxes.enumerated() {
            for b in list {
                let cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2
                let gx = min(max(Int(cx / Float(stride)), 0), cells - 1), gy = min(max(Int(cy / Float(stride)), 0), cells - 1)
                let sx = max(0.54 * (b.x1 - b.x0) / Float(stride) / 6, 0.3), sy = max(0.54 * (b.y1 - b.y0) / Float(stride) / 6, 0.3)
                let base = (i * classes + b.label) * plane
                for y in max(0, gy - Int(3 * sy) - 1)...min(cells - 1, gy + Int(3 * sy) + 1) {
                    for x in max(0, gx - Int(3 * sx) - 1)...min(cells - 1, gx + Int(3 * sx) + 1) {
                        let dx = Float(x - gx), dy = Float(y - gy)
                        let v = (x == gx && y == gy) ? 1 : expf(-(dx * dx) / (2 * sx * sx) - (dy * dy) / (2 * sy * sy))
                        heat.data[base + y * cells + x] = max(heat.data[base + y * cells + x], v)
                    }
                }
                let px = (Float(gx) + 0.5) * Float(stride), py = (Float(gy) + 0.5) * Float(stride)
                let k = gy * cells + gx
                for (c, v) in [px - b.x0, py - b.y0, b.x1 - px, b.y1 - py].enumerated() { ltrb.data[(i * 4 + c) * plane + k] = max(v, 0) }
                mask[i * plane + k] = 1
            }
        }
        return DetectionTargets(heatmap: heat, boxes: ltrb, mask: mask)
    }
}

#if canImport(Glibc)
import Glibc
#endif
