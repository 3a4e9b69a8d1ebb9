/// Greedy non-maximum suppression, per class.
public enum NonMaximumSuppression {
    /// Keeps, for each class, the highest-scoring detections and drops any whose IoU with a kept
    /// detection of the same class exceeds `iouThreshold` (torchvision's `batched_nms` rule).
    /// The result is sorted by descending score; equal scores keep their input order.
    public static func apply(_ detections: [Detection], iouThreshold: Double) -> [Detection] {
        let order = detections.indices.sorted { a, b in
            detections[a].score != detections[b].score ? detections[a].score > detections[b].score : a < b
        }
        var kept: [Detection] = []
        for i in order {
            let candidate = detections[i]
            let suppressed = kept.contains { $0.classIndex == candidate.classIndex && $0.box.iou(candidate.box) > iouThreshold }
            if !suppressed { kept.append(candidate) }
        }
        return kept
    }
}
