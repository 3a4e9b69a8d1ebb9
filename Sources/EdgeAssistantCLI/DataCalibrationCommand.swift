import ArgumentParser
import EdgeRuntime
import Foundation

/// `edge-assistant data calibration`: cuts a split's `features.npy` into the sample files that
/// `compress --calibration/--eval` and `bench --input` read (`DIR/<input>_<i>.npy`), spread
/// evenly over the split so every part of it (every class, in label-sorted splits) is seen.
struct DataCalibrationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibration",
        abstract: "Write calibration/eval batches (DIR/<input>_<i>.npy) cut evenly from a split's features.npy.")

    @Option(help: "Split directory holding features.npy [N, …].") var from: String
    @Option(help: "Model input name the files are named after (speech: features, detection: image).") var input: String = "features"
    @Option(help: "Number of batches.") var count: Int = 32
    @Option(help: "Rows per batch.") var batch: Int = 8
    @Option(name: [.short, .customLong("out")], help: "Output directory (replaced).") var out: String

    func validate() throws {
        guard count > 0, batch > 0 else { throw ValidationError("--count and --batch must be positive") }
        guard !input.isEmpty, !input.contains("/") else { throw ValidationError("--input must be a plain name") }
    }

    func run() throws {
        let x = try Npy.read(path: (from as NSString).appendingPathComponent("features.npy"))
        let batches = try Self.batches(x, count: count, batch: batch)
        try? FileManager.default.removeItem(atPath: out)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for (i, b) in batches.enumerated() { try Npy.write(b, path: "\(out)/\(input)_\(i).npy") }
        print("\(batches.count) batches of \(batch) rows from \(x.shape.first ?? 0) in \(from) → \(out)/\(input)_<i>.npy")
    }

    /// `count` batches of `batch` consecutive rows, starting at evenly spaced rows of `x`.
    static func batches(_ x: Tensor, count: Int, batch: Int) throws -> [Tensor] {
        guard x.dtype == .float32, let n = x.shape.first, n >= batch else {
            throw EdgeError(.invalidInput, "features.npy \(x.dtype) \(x.shape) has fewer than --batch \(batch) float32 rows")
        }
        let row = x.count / n, all = x.scalars(as: Float.self)
        let step = count > 1 ? Double(n - batch) / Double(count - 1) : 0
        return try (0..<count).map { i in
            let start = Int((Double(i) * step).rounded())
            return try Tensor(Array(all[start * row..<(start + batch) * row]), shape: [batch] + x.shape.dropFirst())
        }
    }
}
