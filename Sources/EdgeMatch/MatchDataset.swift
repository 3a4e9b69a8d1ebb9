import EdgeRuntime
import Foundation

/// One split of match-quality training data, as the trainer reads it from a directory:
/// `features.npy` float32 [N, F], `categorical.npy` int64 [N, K], `labels.npy` float32 [N]
/// (1 = good match), `groups.npy` int64 [N] (the ranking query a row belongs to: one
/// matchmaking request of one player; NDCG@10 is computed per group).
public struct MatchDataset: Sendable, Equatable {
    public var features: [Float] = []
    public var categorical: [Int64] = []
    public var labels: [Float] = []
    public var groups: [Int64] = []

    public init() {}

    public var count: Int { labels.count }

    /// The file names inside a split directory.
    public static let files = (features: "features.npy", categorical: "categorical.npy", labels: "labels.npy", groups: "groups.npy")

    /// Appends one row.
    public mutating func append(player: Player, candidate: Player, good: Bool, group: Int64) {
        MatchFeatures.append(player: player, candidate: candidate, features: &features, categorical: &categorical)
        labels.append(good ? 1 : 0)
        groups.append(group)
    }

    /// Rows `range` as a new dataset.
    public func slice(_ range: Range<Int>) -> MatchDataset {
        var d = MatchDataset()
        let f = MatchFeatures.numericCount, k = MatchFeatures.categoricalCount
        d.features = Array(features[range.lowerBound * f..<range.upperBound * f])
        d.categorical = Array(categorical[range.lowerBound * k..<range.upperBound * k])
        d.labels = Array(labels[range])
        d.groups = Array(groups[range])
        return d
    }

    /// Refuses data a trainer must not silently use: an empty split, shapes that disagree,
    /// NaN/∞ features, labels other than 0/1, category ids outside their vocabulary, negative
    /// group ids, or a split holding only one class (AUC is undefined there).
    public func validate(name: String = "split") throws(EdgeError) {
        func bad(_ why: String) -> EdgeError { EdgeError(.invalidInput, "match data \(name): \(why)") }
        let n = labels.count, f = MatchFeatures.numericCount, k = MatchFeatures.categoricalCount
        guard n > 0 else { throw bad("is empty") }
        guard features.count == n * f else { throw bad("features hold \(features.count) values, expected \(n) × \(f)") }
        guard categorical.count == n * k else { throw bad("categorical holds \(categorical.count) values, expected \(n) × \(k)") }
        guard groups.count == n else { throw bad("groups hold \(groups.count) values for \(n) labels") }
        if let i = features.firstIndex(where: { !$0.isFinite }) {
            throw bad("feature \(MatchFeatures.numericNames[i % f]) of row \(i / f) is \(features[i])")
        }
        if let i = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) { throw bad("label of row \(i) is \(labels[i]), not 0 or 1") }
        for (i, id) in categorical.enumerated() where id < 0 || id >= Int64(MatchFeatures.vocabularySizes[i % k]) {
            throw bad("\(MatchFeatures.categoricalNames[i % k]) of row \(i / k) is \(id), outside 0..<\(MatchFeatures.vocabularySizes[i % k])")
        }
        if let i = groups.firstIndex(where: { $0 < 0 }) { throw bad("group of row \(i) is negative") }
        let positives = labels.filter { $0 == 1 }.count
        guard positives > 0, positives < n else { throw bad("all \(n) labels are \(positives > 0 ? 1 : 0); both classes are needed") }
    }

    /// Writes the four arrays into `directory` (created if missing) after validating.
    public func write(to directory: String, name: String = "split") throws(EdgeError) {
        try validate(name: name)
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw EdgeError(.io, "cannot create \(directory): \(error.localizedDescription)")
        }
        let n = count
        try Npy.write(Tensor(features, shape: [n, MatchFeatures.numericCount]), path: directory + "/" + Self.files.features)
        try Npy.write(Tensor(categorical, shape: [n, MatchFeatures.categoricalCount]), path: directory + "/" + Self.files.categorical)
        try Npy.write(Tensor(labels, shape: [n]), path: directory + "/" + Self.files.labels)
        try Npy.write(Tensor(groups, shape: [n]), path: directory + "/" + Self.files.groups)
    }

    /// Reads and validates a split directory (dtypes and ranks checked before values).
    public static func load(from directory: String) throws(EdgeError) -> MatchDataset {
        func read(_ file: String, _ dtype: DType, rank: Int) throws(EdgeError) -> Tensor {
            let t = try Npy.read(path: directory + "/" + file)
            guard t.dtype == dtype, t.shape.count == rank else {
                throw EdgeError(.invalidInput, "\(directory)/\(file): expected \(dtype) of rank \(rank), got \(t)")
            }
            return t
        }
        var d = MatchDataset()
        d.features = try read(files.features, .float32, rank: 2).scalars()
        d.categorical = try read(files.categorical, .int64, rank: 2).scalars()
        d.labels = try read(files.labels, .float32, rank: 1).scalars()
        d.groups = try read(files.groups, .int64, rank: 1).scalars()
        try d.validate(name: directory)
        return d
    }
}
