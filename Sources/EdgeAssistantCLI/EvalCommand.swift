import ArgumentParser
import EdgeRuntime
import Foundation

/// `edge-assistant eval`: measures a model on a held-out split directory with its family's
/// metric — match rankers: AUC and NDCG@k (`EvalRanker`); speech classifiers: top-1 accuracy
/// and per-class recall (`EvalClassifier`). The task comes from the model's metadata unless
/// `--task` says otherwise (an imported ONNX file has no task).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model on a split directory: AUC/NDCG@k (ranker), accuracy (speech, classification).")

    @Argument(help: "Model (.edge or .onnx).") var model: String
    @Option(help: "Split directory (features.npy + labels.npy, and categorical.npy + groups.npy for rankers; docs/DATA.md).") var data: String
    @Option(help: "recommendation | speech | classification (default: the model's metadata task).") var task: String?
    @Option(help: "Rows per inference call.") var batch: Int = 256
    @Option(help: "Intra-op threads.") var threads: Int = 1
    @Option(help: "Cut-off of NDCG (rankers).") var k: Int = 10
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard batch > 0, threads > 0, k > 0 else { throw ValidationError("--batch, --threads and --k must be positive") }
    }

    func run() throws {
        let m = try ModelLoading.load(model)
        switch Self.family(task ?? m.metadata.task) {
        case "recommendation": try EvalRanker.report(m, data: data, batch: batch, threads: threads, k: k, json: json)
        case "classification": try EvalClassifier.report(m, data: data, batch: batch, threads: threads, json: json)
        default:
            throw ValidationError("cannot evaluate task '\(task ?? m.metadata.task)': pass --task recommendation|speech|classification")
        }
    }

    /// Maps a metadata task (`speech-commands`, `speech`, `recommendation`, …) to an evaluator.
    static func family(_ task: String) -> String {
        switch task {
        case "recommendation", "ranking": return "recommendation"
        case "speech", "speech-commands", "classification": return "classification"
        default: return task
        }
    }
}
