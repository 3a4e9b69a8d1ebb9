import ArgumentParser
import EdgeRuntime
import EdgeVisionData
import Foundation

/// `edge-assistant data detection`: synthetic AR landmark scenes with boxes and head targets.
struct DataDetectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detection",
        abstract: "Render AR street/indoor scenes with landmark boxes (train/val/test = 80/10/10).",
        discussion: "Writes PNGs, COCO-style annotations.json and packed .npy tensors per split, then validates them. Layout: docs/DATA.md."
    )

    @Option(name: .long, help: "Output directory.") var out: String
    @Option(name: .long, help: "Seed; the same seed gives byte-identical output.") var seed: UInt64
    @Option(name: .long, help: "Total images over all splits.") var count: Int
    @Option(name: .long, help: "Image side in pixels (multiple of 4, 32...1024).") var size: Int = 128
    @Option(name: .long, help: "Rendering threads (output does not depend on it).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: "Also write the first K train images to DIR/calibration/image_<k>.npy ([1, 3, S, S]: int8 calibration, bench input).")
    var calibration: Int = 0

    func validate() throws {
        guard count >= 3 else { throw ValidationError("--count must be at least 3 (one image per split)") }
        guard (32...1024).contains(size), size % 4 == 0 else { throw ValidationError("--size must be a multiple of 4 in 32...1024") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard (0...DatasetSplit.sizes(total: count)[.train]!).contains(calibration) else {
            throw ValidationError("--calibration must be between 0 and the train split's size")
        }
    }

    func run() throws {
        let writer = DetectionDatasetWriter(seed: seed, imageSize: size, threads: threads)
        let sizes = DatasetSplit.sizes(total: count)
        let start = Date()
        for split in DatasetSplit.allCases {
            try writer.write(split: split, count: sizes[split]!, directory: out)
        }
        if calibration > 0 { try writer.writeCalibration(count: calibration, directory: out + "/calibration") }
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "wrote %d images (train %d, val %d, test %d) to %@ in %.2f s (%.1f images/s)", count,
                     sizes[.train]!, sizes[.val]!, sizes[.test]!, out, seconds, Double(count) / seconds))
        try DataDetectionCheckCommand.report(DetectionDatasetValidator().validate(directory: out))
    }
}

/// `edge-assistant data detection-check DIR`: validates a detection dataset.
struct DataDetectionCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detection-check",
        abstract: "Check a detection dataset: classes, boxes inside images, no degenerate boxes, every class in every split, tensor shapes."
    )

    @Argument(help: "Dataset directory written by `data detection`.") var directory: String

    func run() throws {
        try Self.report(DetectionDatasetValidator().validate(directory: directory))
    }

    static func report(_ issues: [DatasetIssue]) throws {
        if issues.isEmpty {
            print("dataset OK")
            return
        }
        for issue in issues.prefix(50) { FileHandle.standardError.write(Data("error: \(issue)\n".utf8)) }
        if issues.count > 50 { FileHandle.standardError.write(Data("error: … and \(issues.count - 50) more\n".utf8)) }
        throw ExitCode(2)
    }
}
