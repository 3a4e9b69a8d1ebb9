import EdgeRuntime

/// Turns the stride-4 head's outputs into detections in source-image pixels.
///
/// Per class plane of `heatmap [N, C, H/4, W/4]` (scores after sigmoid): a cell is a candidate
/// when its score reaches `scoreThreshold` and is the maximum of its 3×3 neighbourhood
/// (CenterNet's max-pool peak test; ties all survive and NMS settles them). The `topK` best
/// candidates over all classes get boxes from `boxes [N, 4, H/4, W/4]` = distances
/// (left, top, right, bottom) from the cell centre (`DetectionHead.cellCentre`) in input pixels,
/// are mapped through the letterbox to the source image and clipped; empty boxes are dropped;
/// then per-class NMS at `nmsIoU` and at most `maxDetections` remain, best first.
public struct DetectionDecoder: Sendable {
    public var labels: [String]
    public var scoreThreshold: Double
    public var topK: Int
    public var nmsIoU: Double
    public var maxDetections: Int

    public init(labels: [String] = LandmarkClass.labels, scoreThreshold: Double = 0.3, topK: Int = 100,
                nmsIoU: Double = 0.5, maxDetections: Int = 100) {
        self.labels = labels
        self.scoreThreshold = scoreThreshold
        self.topK = topK
        self.nmsIoU = nmsIoU
        self.maxDetections = maxDetections
    }

    /// Decodes batch item `batchIndex`.
    /// - Throws: `.invalidInput` when the tensors do not have the contract's shapes for this
    ///   letterbox's input size and the label count.
    public func decode(heatmap: Tensor, boxes: Tensor, letterbox: Letterbox, batchIndex: Int = 0) throws(EdgeError) -> [Detection] {
        let (classes, rows, columns) = try checkShapes(heatmap: heatmap, boxes: boxes, letterbox: letterbox, batchIndex: batchIndex)
        let plane = rows * columns
        let scores = heatmap.rawPointer.assumingMemoryBound(to: Float.self) + batchIndex * classes * plane
        let distances = boxes.rawPointer.assumingMemoryBound(to: Float.self) + batchIndex * 4 * plane
        var candidates: [(score: Float, index: Int)] = []
        let threshold = Float(scoreThreshold)
        for c in 0..<classes {
            let base = scores + c * plane
            for y in 0..<rows {
                for x in 0..<columns {
                    let s = base[y * columns + x]
                    if s >= threshold && isPeak(base, x: x, y: y, rows: rows, columns: columns) {
                        candidates.append((s, c * plane + y * columns + x))
                    }
                }
            }
        }
        // Best first; ties by position so the output never depends on sort internals.
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
        var detections: [Detection] = []
        for candidate in candidates.prefix(topK) {
            let c = candidate.index / plane, cell = candidate.index % plane
            let y = cell / columns, x = cell % columns
            let cx = DetectionHead.cellCentre(x), cy = DetectionHead.cellCentre(y)
            let l = Double(distances[cell]), t = Double(distances[plane + cell])
            let r = Double(distances[2 * plane + cell]), b = Double(distances[3 * plane + cell])
            guard l.isFinite, t.isFinite, r.isFinite, b.isFinite else { continue }
            let inputBox = Box(minX: cx - max(l, 0), minY: cy - max(t, 0), maxX: cx + max(r, 0), maxY: cy + max(b, 0))
            let box = letterbox.toSource(inputBox)
            guard !box.isEmpty else { continue }
            detections.append(Detection(classIndex: c, label: labels[c], score: Double(candidate.score), box: box))
        }
        return Array(NonMaximumSuppression.apply(detections, iouThreshold: nmsIoU).prefix(maxDetections))
    }

    /// The 3×3 peak test: no neighbour inside the plane scores higher.
    private func isPeak(_ plane: UnsafePointer<Float>, x: Int, y: Int, rows: Int, columns: Int) -> Bool {
        let s = plane[y * columns + x]
        for ny in max(0, y - 1)...min(rows - 1, y + 1) {
            for nx in max(0, x - 1)...min(columns - 1, x + 1) where plane[ny * columns + nx] > s {
                return false
            }
        }
        return true
    }

    private func checkShapes(heatmap: Tensor, boxes: Tensor, letterbox: Letterbox, batchIndex: Int) throws(EdgeError) -> (Int, Int, Int) {
        let rows = letterbox.targetHeight / DetectionHead.stride, columns = letterbox.targetWidth / DetectionHead.stride
        guard heatmap.dtype == .float32, boxes.dtype == .float32 else {
            throw EdgeError(.invalidInput, "detector outputs must be float32, got heatmap \(heatmap.dtype), boxes \(boxes.dtype)")
        }
        guard heatmap.shape.count == 4, heatmap.shape[1] == labels.count, heatmap.shape[2] == rows, heatmap.shape[3] == columns else {
            throw EdgeError(.invalidInput, "heatmap shape \(heatmap.shape) is not [N, \(labels.count), \(rows), \(columns)] for a \(letterbox.targetWidth)x\(letterbox.targetHeight) input")
        }
        guard boxes.shape == [heatmap.shape[0], 4, rows, columns] else {
            throw EdgeError(.invalidInput, "boxes shape \(boxes.shape) is not [\(heatmap.shape[0]), 4, \(rows), \(columns)]")
        }
        guard batchIndex >= 0, batchIndex < heatmap.shape[0] else {
            throw EdgeError(.invalidInput, "batch index \(batchIndex) outside batch of \(heatmap.shape[0])")
        }
        return (labels.count, rows, columns)
    }
}
