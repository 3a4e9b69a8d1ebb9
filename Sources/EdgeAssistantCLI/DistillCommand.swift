import ArgumentParser
import EdgeRuntime
import EdgeTrain
import Foundation

/// `edge-assistant distill`: trains a student against a teacher .edge model's logits.
struct DistillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Distil a teacher .edge model into a student architecture (soft targets + hard labels).")

    @Option(help: "Teacher model (.edge) with a `logits` output (recommendation: `score`).") var teacher: String
    @Option(name: .customLong("student-arch"), help: "Student architecture (as train --arch).") var studentArch: String
    @Option(help: "Weight α of the soft-target term.") var alpha: Float = 0.7
    @Option(help: "Softmax temperature T.") var temperature: Float = 4
    @OptionGroup var options: TrainingOptions

    func validate() throws {
        guard alpha >= 0, alpha <= 1, temperature > 0 else { throw ValidationError("--alpha must be in [0, 1] and --temperature > 0") }
        guard options.task != "detection" else {
            throw ValidationError("distill supports speech, classification and recommendation")
        }
    }

    func run() throws {
        var opts = options
        opts.arch = studentArch
        let net = try opts.network()
        let data = try DataLoading.load(opts.data, opts.expectation(net))
        let logits = try Self.teacherLogits(teacher, data, threads: opts.threads)
        let binary = opts.task == "recommendation"
        let expected = binary ? 1 : opts.classNames.count
        guard logits.itemCount == expected else {
            throw EdgeError(.invalidInput, "teacher gives \(logits.itemCount) logits, the student has \(expected)")
        }
        let objective: Objective = binary
            ? .binaryDistillation(teacherLogits: logits, alpha: alpha, temperature: temperature)
            : .distillation(teacherLogits: logits, alpha: alpha, temperature: temperature)
        try opts.train(net, objective, data,
                       extra: ["teacher": URL(fileURLWithPath: teacher).lastPathComponent, "alpha": "\(alpha)", "temperature": "\(temperature)"])
    }

    /// Runs the teacher with InferenceSession over the data in batches; returns its `logits` [N, C].
    static func teacherLogits(_ path: String, _ data: TrainingData, threads: Int) throws -> TTensor {
        let model = try ModelFile.load(path: path)
        let session = try InferenceSession(graph: model.graph, options: SessionOptions(threads: threads))
        guard let out = model.graph.outputs.first(where: { $0.name == "logits" || $0.name == "score" }) ?? model.graph.outputs.first else {
            throw EdgeError(.invalidModel, "\(path) has no outputs")
        }
        var rows = [Float](), classes = 0
        var start = 0
        while start < data.count {
            let idx = start..<min(start + 64, data.count)
            var feeds = [String: Tensor]()
            for (info, x) in zip(model.graph.runtimeInputs, data.inputs) {
                let rows = x.rows(Array(idx)[...])
                // Training keeps category ids as floats; the model's integer inputs want int64.
                feeds[info.name] = info.dtype == .int64 ? try Tensor(rows.data.map { Int64($0) }, shape: rows.shape) : rows.toTensor()
            }
            let y = try session.run(feeds)[out.name]!
            classes = y.count / idx.count
            rows += y.scalars(as: Float.self)
            start = idx.upperBound
        }
        return TTensor(shape: [data.count, classes], data: rows)
    }
}
