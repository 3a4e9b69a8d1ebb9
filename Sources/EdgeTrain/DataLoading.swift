import EdgeRuntime
import Foundation

/// Reads a training directory of `.npy` files and validates it before anything is trained:
///
/// | file | dtype, shape | used by |
/// |---|---|---|
/// | `features.npy` | float32 [N, …] = the network's first input | all |
/// | `labels.npy` | int64/int32 [N] class ids; recommendation: 0/1 (float32 allowed) | speech, classification, recommendation |
/// | `categorical.npy` | int64/int32 [N, K] category ids | recommendation |
/// | `boxes.npy` | float32 [N, M, 5] rows (class, x0, y0, x1, y1) in input pixels, class −1 = padding | detection |
///
/// Rejected with an `EdgeError` naming the file: missing files, count or shape mismatches,
/// NaN/Inf features, labels out of range, a class without samples, category ids outside the
/// table, boxes outside the image or empty.
public enum DataLoading {
    /// What the data must fit.
    public struct Expectation: Sendable {
        public var task: String
        public var inputShapes: [[Int]]
        /// Number of classes (classification/speech/detection).
        public var classes: Int
        /// Per-column cardinalities of `categorical.npy` (recommendation).
        public var cardinalities: [Int]?
        public var classNames: [String]

        public init(task: String, inputShapes: [[Int]], classes: Int, cardinalities: [Int]? = nil, classNames: [String] = []) {
            self.task = task
            self.inputShapes = inputShapes
            self.classes = classes
            self.cardinalities = cardinalities
            self.classNames = classNames
        }
    }

    static func read(_ dir: String, _ file: String) throws(EdgeError) -> Tensor {
        let path = (dir as NSString).appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: path) else { throw EdgeError(.invalidInput, "\(path) is missing") }
        return try Npy.read(path: path)
    }

    static func integers(_ t: Tensor, _ what: String) throws(EdgeError) -> [Int] {
        switch t.dtype {
        case .int64, .int32: return try t.intValues()
        case .float32:
            let v = t.scalars(as: Float.self)
            guard v.allSatisfy({ $0.isFinite && $0 == $0.rounded() }) else { throw EdgeError(.invalidInput, "\(what): non-integer values") }
            return v.map { Int($0) }
        default: throw EdgeError(.invalidInput, "\(what): dtype \(t.dtype), expected int64")
        }
    }

    /// Loads and validates `dir` for `expect`.
    public static func load(_ dir: String, _ expect: Expectation) throws(EdgeError) -> TrainingData {
        let features = try read(dir, "features.npy")
        guard features.dtype == .float32 else { throw EdgeError(.invalidInput, "features.npy: dtype \(features.dtype), expected float32") }
        guard let n = features.shape.first, n > 0, Array(features.shape.dropFirst()) == expect.inputShapes[0] else {
            throw EdgeError(.invalidInput, "features.npy: shape \(features.shape), expected [N > 0] + \(expect.inputShapes[0])")
        }
        let x = try TTensor(features)
        if let bad = x.data.firstIndex(where: { !$0.isFinite }) {
            throw EdgeError(.invalidInput, "features.npy: non-finite value \(x.data[bad]) in sample \(bad / x.itemCount)")
        }
        var data = TrainingData(inputs: [x])
        switch expect.task {
        case "detection":
            data.boxes = try boxLists(try read(dir, "boxes.npy"), count: n, classes: expect.classes,
                                      width: expect.inputShapes[0][2], height: expect.inputShapes[0][1], classNames: expect.classNames)
        case "recommendation":
            let cat = try read(dir, "categorical.npy")
            guard expect.inputShapes.count == 2, cat.shape == [n] + expect.inputShapes[1] else {
                throw EdgeError(.invalidInput, "categorical.npy: shape \(cat.shape), expected [\(n)] + \(expect.inputShapes.dropFirst().first ?? [])")
            }
            let ids = try integers(cat, "categorical.npy")
            let k = cat.shape[1]
            for (i, v) in ids.enumerated() {
                let limit = expect.cardinalities?[i % k] ?? Int.max
                guard v >= 0, v < limit, v < 1 << 24 else {
                    throw EdgeError(.invalidInput, "categorical.npy: id \(v) in column \(i % k) of sample \(i / k) is outside [0, \(limit))")
                }
            }
            data.inputs.append(TTensor(shape: cat.shape, data: ids.map(Float.init)))
            let labels = try read(dir, "labels.npy")
            guard labels.shape == [n] else { throw EdgeError(.invalidInput, "labels.npy: shape \(labels.shape), expected [\(n)]") }
            let t = try integers(labels, "labels.npy")
            guard t.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw EdgeError(.invalidInput, "labels.npy: recommendation labels must be 0 or 1") }
            guard Set(t).count == 2 else { throw EdgeError(.invalidInput, "labels.npy: only one class present (need good and bad matches)") }
            data.targets = t.map(Float.init)
        default:
            let labels = try read(dir, "labels.npy")
            guard labels.shape == [n] else { throw EdgeError(.invalidInput, "labels.npy: shape \(labels.shape), expected [\(n)]") }
            let l = try integers(labels, "labels.npy")
            if let bad = l.firstIndex(where: { $0 < 0 || $0 >= expect.classes }) {
                throw EdgeError(.invalidInput, "labels.npy: label \(l[bad]) of sample \(bad) is outside [0, \(expect.classes))")
            }
            var counts = [Int](repeating: 0, count: expect.classes)
            for v in l { counts[v] += 1 }
            if let empty = counts.firstIndex(of: 0) {
                let name = empty < expect.classNames.count ? " (\(expect.classNames[empty]))" : ""
                throw EdgeError(.invalidInput, "labels.npy: class \(empty)\(name) has no samples")
            }
            data.labels = l
        }
        return data
    }

    /// Parses a `boxes.npy` tensor (float32 [n, M, 5], rows (class, x0, y0, x1, y1), class −1 =
    /// padding) into per-sample box lists, rejecting non-finite values, unknown classes and boxes
    /// that are empty or outside the `width × height` image (0.5 px tolerance). Training data must
    /// hold every class (`requireEveryClass`); an evaluation split need not.
    public static func boxLists(_ t: Tensor, count n: Int, classes: Int, width: Int, height: Int, classNames: [String] = [],
                                requireEveryClass: Bool = true) throws(EdgeError) -> [[GroundTruthBox]] {
        guard t.dtype == .float32, t.shape.count == 3, t.shape[0] == n, t.shape[2] == 5 else {
            throw EdgeError(.invalidInput, "boxes.npy: \(t.dtype) \(t.shape), expected float32 [\(n), M, 5]")
        }
        let v = t.scalars(as: Float.self), m = t.shape[1]
        let (h, w) = (Float(height), Float(width))
        var out = [[GroundTruthBox]]()
        var seen = Set<Int>()
        for i in 0..<n {
            var list = [GroundTruthBox]()
            for j in 0..<m {
                let r = Array(v[((i * m + j) * 5)..<((i * m + j) * 5 + 5)])
                guard r.allSatisfy(\.isFinite) else { throw EdgeError(.invalidInput, "boxes.npy: non-finite value in sample \(i) box \(j)") }
                if r[0] == -1 { continue }
                guard r[0] >= 0, r[0] < Float(classes), r[0] == r[0].rounded() else {
                    throw EdgeError(.invalidInput, "boxes.npy: class \(r[0]) of sample \(i) box \(j) is outside [0, \(classes))")
                }
                guard r[1] >= -0.5, r[2] >= -0.5, r[3] <= w + 0.5, r[4] <= h + 0.5, r[3] > r[1], r[4] > r[2] else {
                    throw EdgeError(.invalidInput, "boxes.npy: box \(Array(r[1...])) of sample \(i) is empty or outside the \(Int(w))×\(Int(h)) image")
                }
                seen.insert(Int(r[0]))
                list.append(GroundTruthBox(label: Int(r[0]), x0: r[1], y0: r[2], x1: r[3], y1: r[4]))
            }
            out.append(list)
        }
        if requireEveryClass, let empty = (0..<classes).first(where: { !seen.contains($0) }) {
            let name = empty < classNames.count ? " (\(classNames[empty]))" : ""
            throw EdgeError(.invalidInput, "boxes.npy: class \(empty)\(name) has no boxes")
        }
        return out
    }
}
