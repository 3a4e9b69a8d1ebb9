import EdgeRuntime
import EdgeVision

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

/// Targets of the stride-4 head for a batch of box lists: `EdgeVision.DetectionTargetEncoder`
/// (the one encoder, shared with the decoder's cell geometry) run per image into `TTensor`s.
public enum DetectionTargetBuilder {
    public static func build(_ boxes: [[GroundTruthBox]], classes: Int, size: Int) -> DetectionTargets {
        let encoder = DetectionTargetEncoder(imageSize: size, classCount: classes)
        let n = boxes.count, plane = encoder.grid * encoder.grid
        var heat = TTensor(shape: [n, classes, encoder.grid, encoder.grid])
        var ltrb = TTensor(shape: [n, 4, encoder.grid, encoder.grid])
        var mask = [Float](repeating: 0, count: n * plane)
        for (i, list) in boxes.enumerated() {
            let objects = list.map { (classIndex: $0.label, box: Box(minX: Double($0.x0), minY: Double($0.y0), maxX: Double($0.x1), maxY: Double($0.y1))) }
            heat.data.withUnsafeMutableBufferPointer { h in
                ltrb.data.withUnsafeMutableBufferPointer { b in
                    mask.withUnsafeMutableBufferPointer { m in
                        encoder.encode(objects, heatmap: h.baseAddress! + i * classes * plane, boxes: b.baseAddress! + i * 4 * plane,
                                       mask: m.baseAddress! + i * plane)
                    }
                }
            }
        }
        return DetectionTargets(heatmap: heat, boxes: ltrb, mask: mask)
    }
}
