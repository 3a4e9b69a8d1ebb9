import ArgumentParser
import EdgeRuntime
import EdgeTrain
import Foundation

/// `edge-assistant distill`: trains a student against a teacher .edge model's outputs — logits
/// (speech, classification), the score logit (recommendation), or heatmap + boxes (detection).
struct DistillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Distil a teacher .edge model into a student architecture (soft targets + hard labels).")

    @Option(help: "Teacher model (.edge) with a `logits` output (recommendation: `score`; detection: `heatmap`, `boxes`).") var teacher: String
    @Option(name: .customLong("student-arch"), help: "Student architecture (as train --arch).") var studentArch: String
    @Option(help: "Weight α of the soft-target term (detection: of the soft focal loss on the teacher's heatmap).") var alpha: Float = 0.7
    @Option(help: "Softmax temperature T (not used by detection).") var temperature: Float = 4
    @Option(name: .customLong("box-alpha"), help: "Detection: weight of the L1 to the teacher's boxes at positive cells (the ground truth gets 1 − it).")
    var boxAlpha: Float = 0
    @OptionGroup var options: TrainingOptions

    func validate() throws {
        guard alpha >= 0, alpha <= 1, boxAlpha >= 0, boxAlpha <= 1, temperature > 0 else {
            throw ValidationError("--alpha and --box-alpha must be in [0, 1] and --temperature > 0")
        }
    }

    func run() throws {
        var opts = options
        opts.arch = studentArch
        let net = try opts.network()
        let data = try DataLoading.load(opts.data, opts.expectation(net))
        if opts.task == "detection" {
            let out = try Self.teacherOutputs(teacher, data, names: ["heatmap", "boxes"], threads: opts.threads)
            let heat = out["heatmap"]!, classes = opts.classNames.count
            guard heat.shape == [data.count, classes] + Array(net.graph.inputs[0].shape.dropFirst()).map({ $0 / 4 }) else {
                throw EdgeError(.invalidInput, "teacher heatmap \(heat.shape) does not fit the student's \(classes) classes at stride 4")
            }
            let d = DetectionDistillation(teacherHeatmap: heat, teacherBoxes: boxAlpha > 0 ? out["boxes"] : nil, alpha: alpha, boxAlpha: boxAlpha, classes: classes)
            try opts.train(net, .detectionDistillation(d), data, extra: ["teacher": URL(fileURLWithPath: teacher).lastPathComponent,
                                                                         "alpha": "\(alpha)", "box_alpha": "\(boxAlpha)"])
            return
        }
        let logits = try Self.teacherOutputs(teacher, data, names: ["logits", "score"], threads: opts.threads).values.first!
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

    /// Runs the teacher with InferenceSession over the data in batches of 64. Returns, keyed by
    /// name, each output of `names` the teacher has, as [N, …] (the per-sample shape kept); a
    /// teacher with none of them gives its first output under that output's name.
    static func teacherOutputs(_ path: String, _ data: TrainingData, names: [String], threads: Int) throws -> [String: TTensor] {
        let model = try ModelFile.load(path: path)
        let session = try InferenceSession(graph: model.graph, options: SessionOptions(threads: threads))
        var wanted = model.graph.outputs.map(\.name).filter(names.contains)
        if wanted.isEmpty, let first = model.graph.outputs.first { wanted = [first.name] }
        guard !wanted.isEmpty else { throw EdgeError(.invalidModel, "\(path) has no outputs") }
        var rows = [String: [Float]](), shapes = [String: [Int]]()
        var start = 0
        while start < data.count {
            let idx = start..<min(start + 64, data.count)
            var feeds = [String: Tensor]()
            for (info, x) in zip(model.graph.runtimeInputs, data.inputs) {
                let rows = x.rows(Array(idx)[...])
                // Training keeps category ids as floats; the model's integer inputs want int64.
                feeds[info.name] = info.dtype == .int64 ? try Tensor(rows.data.map { Int64($0) }, shape: rows.shape) : rows.toTensor()
            }
            let out = try session.run(feeds)
            for name in wanted {
                let y = out[name]!
                guard y.count % idx.count == 0, y.count > 0 else { throw EdgeError(.invalidModel, "\(name) has \(y.count) values for \(idx.count) rows") }
                shapes[name] = y.shape.count > 1 && y.shape[0] == idx.count ? Array(y.shape.dropFirst()) : [y.count / idx.count]
                rows[name, default: []] += y.scalars(as: Float.self)
            }
            start = idx.upperBound
        }
        return rows.reduce(into: [:]) { out, kv in out[kv.key] = TTensor(shape: [data.count] + shapes[kv.key]!, data: kv.value) }
    }
}
