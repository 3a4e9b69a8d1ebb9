import EdgeRuntime

/// COCO-style box mAP, replicating pycocotools' `COCOeval` (iouType "bbox", area "all",
/// maxDets 100, no crowd regions) step for step so the numbers agree with it:
///
/// 1. Per image and class, detections sorted by score (stable) and cut to `maxDetections`.
/// 2. Per IoU threshold, each detection in score order takes the unmatched ground truth with the
///    highest IoU ≥ threshold (a later one wins a tie, as in pycocotools).
/// 3. Per class, all images' detections merged in image-id order and stably sorted by score;
///    cumulative TP/FP give recall and precision; precision is made monotone from the right and
///    read at 101 recall points (0, 0.01, …, 1) with `searchsorted(side: left)`; AP is their mean.
/// 4. A class without ground truth has no AP and is left out of the means.
public struct COCOEvaluator: Sendable {
    /// A ground-truth box.
    public struct GroundTruth: Sendable, Equatable {
        public var imageID: Int
        public var classIndex: Int
        public var box: Box
        public init(imageID: Int, classIndex: Int, box: Box) {
            (self.imageID, self.classIndex, self.box) = (imageID, classIndex, box)
        }
    }

    public var classCount: Int
    public var maxDetections: Int

    /// IoU thresholds 0.50, 0.55, …, 0.95 computed as `numpy.linspace(.5, .95, 10)`.
    public static let iouThresholds: [Double] = linspace(0.5, 0.95, 10)
    /// Recall points 0, 0.01, …, 1 computed as `numpy.linspace(0, 1, 101)`.
    public static let recallThresholds: [Double] = linspace(0, 1, 101)

    public init(classCount: Int, maxDetections: Int = 100) {
        self.classCount = classCount
        self.maxDetections = maxDetections
    }

    /// Evaluates detections against ground truth over the images `imageIDs` (images without
    /// objects count: their detections are false positives). `detections[id]` is image `id`'s
    /// decoder output; its order breaks score ties, as the result-file order does in pycocotools.
    /// - Throws: `.invalidInput` for a class index out of range or an image not in `imageIDs`.
    public func evaluate(imageIDs: [Int], groundTruth: [GroundTruth], detections: [Int: [Detection]]) throws(EdgeError) -> COCOResult {
        let images = Array(Set(imageIDs)).sorted()
        let known = Set(images)
        for g in groundTruth {
            guard (0..<classCount).contains(g.classIndex), known.contains(g.imageID) else {
                throw EdgeError(.invalidInput, "ground truth class \(g.classIndex) / image \(g.imageID) is not among \(classCount) classes and the given images")
            }
        }
        var gtByKey: [Key: [Box]] = [:]
        for g in groundTruth { gtByKey[Key(image: g.imageID, cls: g.classIndex), default: []].append(g.box) }
        var dtByKey: [Key: [Detection]] = [:]
        for (image, list) in detections {
            for d in list {
                guard (0..<classCount).contains(d.classIndex), known.contains(image) else {
                    throw EdgeError(.invalidInput, "detection class \(d.classIndex) / image \(image) is not among \(classCount) classes and the given images")
                }
                dtByKey[Key(image: image, cls: d.classIndex), default: []].append(d)
            }
        }
        var ap = [[Double]?](repeating: nil, count: classCount)
        for cls in 0..<classCount {
            var merged = ClassMatches(thresholds: Self.iouThresholds.count)
            for image in images {
                let key = Key(image: image, cls: cls)
                merged.append(ImageMatcher.match(gt: gtByKey[key] ?? [], dt: dtByKey[key] ?? [], maxDetections: maxDetections,
                                                 thresholds: Self.iouThresholds))
            }
            ap[cls] = merged.averagePrecision(recallThresholds: Self.recallThresholds)
        }
        return COCOResult(iouThresholds: Self.iouThresholds, averagePrecision: ap)
    }

    private struct Key: Hashable {
        var image: Int
        var cls: Int
    }

    /// `numpy.linspace(start, stop, num)`: `i * step + start`, last point exactly `stop`.
    static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        let step = (stop - start) / Double(num - 1)
        var values = (0..<num).map { Double($0) * step + start }
        values[num - 1] = stop
        return values
    }
}

/// mAP figures from `COCOEvaluator`.
public struct COCOResult: Sendable, Equatable {
    public var iouThresholds: [Double]
    /// Per class, AP at each IoU threshold; nil for a class without ground truth.
    public var averagePrecision: [[Double]?]

    /// Per-class AP at IoU 0.5 (nil: no ground truth).
    public var classAP50: [Double?] { averagePrecision.map { $0?[0] } }
    /// Per-class AP averaged over IoU 0.5…0.95.
    public var classAP: [Double?] { averagePrecision.map { $0.map { $0.reduce(0, +) / Double($0.count) } } }
    /// mAP@0.5 over classes with ground truth (-1 when there are none, as pycocotools prints).
    public var mAP50: Double { mean(classAP50) }
    /// mAP@0.5:0.95 over classes with ground truth (-1 when none).
    public var mAP: Double { mean(classAP) }

    private func mean(_ values: [Double?]) -> Double {
        let present = values.compactMap { $0 }
        return present.isEmpty ? -1 : present.reduce(0, +) / Double(present.count)
    }
}
