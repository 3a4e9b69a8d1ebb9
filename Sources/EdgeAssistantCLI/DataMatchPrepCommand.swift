import ArgumentParser
import EdgeMatch
import EdgeRuntime
import Foundation

/// `edge-assistant data match-prep`: derives what the model pipeline needs from a generated
/// match data set, deterministically: a validation split carved from the end of `train/` (so
/// choices are made without looking at `test/`), int8 calibration batches from the fit part,
/// and one typical rank request (a batch of `--batch` rows of `test/`) for latency measurements.
struct DataMatchPrepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match-prep",
        abstract: "Split DIR/train into fit/ and val/, write calibration batches and a rank-request batch.",
        discussion: """
        Writes DIR/fit and DIR/val (the last --val-fraction of train by time, cut at a query boundary), \
        DIR/calibration/{features,categorical}_<i>.npy (--calibration batches of --batch rows spread over fit/) \
        and DIR/request/{features,categorical}.npy (the first --batch rows of test/).
        """)

    @Option(help: "Data set directory written by `data match`.") var data: String
    @Option(name: .customLong("val-fraction"), help: "Fraction of train rows (by time) held out for validation, in (0, 0.5].") var valFraction: Double = 0.1
    @Option(help: "Rows per calibration batch and per rank request.") var batch: Int = 16
    @Option(help: "Number of calibration batches.") var calibration: Int = 32

    func validate() throws {
        guard valFraction > 0, valFraction <= 0.5 else { throw ValidationError("--val-fraction must be in (0, 0.5]") }
        guard batch > 0, calibration > 0 else { throw ValidationError("--batch and --calibration must be positive") }
    }

    func run() throws {
        let train = try MatchDataset.load(from: data + "/train")
        let test = try MatchDataset.load(from: data + "/test")
        let cut = try Self.validationStart(train, fraction: valFraction)
        let fit = train.slice(0..<cut), val = train.slice(cut..<train.count)
        try fit.write(to: data + "/fit", name: "fit")
        try val.write(to: data + "/val", name: "val")
        guard fit.count >= batch, test.count >= batch else {
            throw EdgeError(.invalidInput, "fit (\(fit.count) rows) and test (\(test.count) rows) need at least --batch \(batch) rows")
        }
        let dir = data + "/calibration"
        try? FileManager.default.removeItem(atPath: dir)
        let step = max(1, (fit.count - batch) / max(1, calibration - 1))
        for i in 0..<calibration {
            let start = min(i * step, fit.count - batch)
            try Self.writeBatch(fit.slice(start..<start + batch), features: "\(dir)/features_\(i).npy", categorical: "\(dir)/categorical_\(i).npy")
        }
        try Self.writeBatch(test.slice(0..<batch), features: data + "/request/features.npy", categorical: data + "/request/categorical.npy")
        print("fit \(fit.count) rows, val \(val.count) rows, \(calibration) calibration batches and a request of \(batch) rows")
    }

    /// First row of the validation part: the first query boundary at or after (1 − fraction)·N.
    static func validationStart(_ d: MatchDataset, fraction: Double) throws -> Int {
        let target = Int((Double(d.count) * (1 - fraction)).rounded())
        var i = max(1, target)
        while i < d.count && d.groups[i] == d.groups[i - 1] { i += 1 }
        guard i < d.count else { throw EdgeError(.invalidInput, "train has too few queries to hold out \(fraction) of it") }
        return i
    }

    static func writeBatch(_ d: MatchDataset, features: String, categorical: String) throws {
        try FileManager.default.createDirectory(atPath: (features as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Npy.write(Tensor(d.features, shape: [d.count, MatchFeatures.numericCount]), path: features)
        try Npy.write(Tensor(d.categorical, shape: [d.count, MatchFeatures.categoricalCount]), path: categorical)
    }
}
