/// One image and class after matching: what pycocotools' `evaluateImg` returns.
struct ImageMatches {
    /// Scores of the kept detections, best first.
    var scores: [Double]
    /// `matched[t][d]`: detection `d` matched a ground truth at IoU threshold `t`.
    var matched: [[Bool]]
    var groundTruthCount: Int
}

enum ImageMatcher {
    /// Greedy matching by score at every IoU threshold (pycocotools `evaluateImg`, no crowd, no
    /// ignored boxes).
    static func match(gt: [Box], dt: [Detection], maxDetections: Int, thresholds: [Double]) -> ImageMatches {
        // Stable sort by descending score, like numpy's mergesort on -score.
        let sorted = dt.enumerated().sorted { a, b in
            a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
        }.prefix(maxDetections).map(\.element)
        var matched = [[Bool]](repeating: [Bool](repeating: false, count: sorted.count), count: thresholds.count)
        let ious = sorted.map { d in gt.map { d.box.iou($0) } }
        for (t, threshold) in thresholds.enumerated() {
            var taken = [Bool](repeating: false, count: gt.count)
            for d in sorted.indices {
                var best = min(threshold, 1 - 1e-10)
                var m = -1
                for g in gt.indices where !taken[g] {
                    if ious[d][g] < best { continue }
                    best = ious[d][g]
                    m = g
                }
                if m >= 0 {
                    taken[m] = true
                    matched[t][d] = true
                }
            }
        }
        return ImageMatches(scores: sorted.map(\.score), matched: matched, groundTruthCount: gt.count)
    }
}

/// One class's detections over all images (pycocotools `accumulate`).
struct ClassMatches {
    var scores: [Double] = []
    var matched: [[Bool]]
    var groundTruthCount = 0
    /// False until an image had ground truth or detections (pycocotools skips empty pairs).
    var seen = false

    init(thresholds: Int) {
        matched = [[Bool]](repeating: [], count: thresholds)
    }

    mutating func append(_ image: ImageMatches) {
        guard image.groundTruthCount > 0 || !image.scores.isEmpty else { return }
        seen = true
        scores += image.scores
        for t in matched.indices { matched[t] += image.matched[t] }
        groundTruthCount += image.groundTruthCount
    }

    /// AP per IoU threshold, or nil when the class has no ground truth.
    func averagePrecision(recallThresholds: [Double]) -> [Double]? {
        guard seen, groundTruthCount > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        let spacing = Double.ulpOfOne  // numpy.spacing(1)
        return matched.map { row in
            var tp = 0.0, fp = 0.0
            var recall: [Double] = [], precision: [Double] = []
            for d in order {
                if row[d] { tp += 1 } else { fp += 1 }
                recall.append(tp / Double(groundTruthCount))
                precision.append(tp / (fp + tp + spacing))
            }
            // Monotone envelope from the right.
            if precision.count > 1 {
                for i in stride(from: precision.count - 1, to: 0, by: -1) where precision[i] > precision[i - 1] {
                    precision[i - 1] = precision[i]
                }
            }
            var sum = 0.0
            var cursor = 0
            for threshold in recallThresholds {
                // searchsorted(recall, threshold, side: left): recall is non-decreasing.
                while cursor < recall.count && recall[cursor] < threshold { cursor += 1 }
                if cursor == recall.count { break }
                sum += precision[cursor]
            }
            return sum / Double(recallThresholds.count)
        }
    }
}
