import ArgumentParser
import EdgeRuntime
import Foundation

/// `edge-assistant eval`: measures a model on a held-out split directory with its family's
/// metric — match rankers: AUC and NDCG@k (`EvalRanker`); speech classifiers: top-1 accuracy
/// and per-class recall (`EvalClassifier`); detectors: COCO mAP@0.5 and mAP@0.5:0.95
/// (`EvalDetector`). The task comes from the model's metadata unless
/// `--task` says otherwise (an imported ONNX file has no task).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model on a split directory: AUC/NDCG@k (ranker), accuracy (speech, classification), mAP (detection).")

    @Argument(help: "Model (.edge or .onnx).") var model: String
    @Option(help: "Split directory (features.npy + labels.npy, categorical.npy + groups.npy for rankers, boxes.npy for detectors; docs/DATA.md).") var data: String
    @Option(help: "recommendation | speech | classification | detection (default: the model's metadata task).") var task: String?
    @Option(help: "Rows per inference call.") var batch: Int = 256
    @Option(help: "Intra-op threads.") var threads: Int = 1
    @Option(help: "Cut-off of NDCG (rankers).") var k: Int = 10
    @Option(name: .customLong("score-threshold"), help: "Detectors: lowest score kept by the decoder (COCO evaluations keep low scores).")
    var scoreThreshold: Double = 0.05
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard batch > 0, threads > 0, k > 0 else { throw ValidationError("--batch, --threads and --k must be positive") }
        guard scoreThreshold >= 0, scoreThreshold <= 1 else { throw ValidationError("--score-threshold must be in [0, 1]") }
    }

    func run() throws {
        let m = try ModelLoading.load(model)
        switch Self.family(task ?? m.metadata.task) {
        case "recommendation": try EvalRanker.report(m, data: data, batch: batch, threads: threads, k: k, json: json)
        case "classification": try EvalClassifier.report(m, data: data, batch: batch, threads: threads, json: json)
        case "detection": try EvalDetector.report(m, data: data, batch: batch, threads: threads, scoreThreshold: scoreThreshold, json: json)
        default:
            throw ValidationError("cannot evaluate task '\(task ?? m.metadata.task)': pass --task recommendation|speech|classification|detection")
        }
    }

    /// Maps a metadata task (`speech-commands`, `speech`, `recommendation`, …) to an evaluator.
    static func family(_ task: String) -> String {
        switch task {
        case "recommendation", "ranking": return "recommendation"
        case "speech", "speech-commands", "classification": return "classification"
        case "detection", "ar-landmarks": return "detection"
        default: return task
        }
    }
}
