import ArgumentParser
import EdgeMatch
import EdgeRuntime
import EdgeTrain
import Foundation

/// Options shared by `train` and `distill`: data, architecture, optimisation, output.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Training data directory (features.npy, labels.npy, categorical.npy, boxes.npy; see docs/TRAINING.md).")
    var data: String
    @Option(help: "Held-out data directory, same layout (reported each epoch).") var val: String?
    @Option(help: "Task: speech | detection | recommendation | classification.") var task: String = "speech"
    @Option(help: "Architecture: ds-cnn | detector | ranker | small-cnn (default: by task).") var arch: String?
    @Option(help: "Width: channels (ds-cnn, small-cnn), multiplier (detector), hidden units (ranker).") var width: Double?
    @Option(help: "Depth: DS blocks (ds-cnn), extra stride-16 blocks (detector), top MLP layers (ranker).") var depth: Int?
    @Option(help: "Class labels, comma separated (default: the speech set / the five landmark classes).") var labels: String?
    @Option(help: "Ranker: categorical cardinalities, comma separated (default: MatchFeatures.vocabularySizes for match data, else max id + 1 per column).") var cardinalities: String?
    @Option(help: "Ranker: embedding width.") var embedding: Int = 8
    @Option var epochs: Int = 10
    @Option var batch: Int = 32
    @Option var lr: Float = 1e-3
    @Option(help: "adamw | adam | sgd (momentum 0.9, Nesterov).") var optimizer: String = "adamw"
    @Option(name: .customLong("weight-decay")) var weightDecay: Float = 1e-4
    @Option(help: "Warmup steps of the cosine schedule; -1 = constant learning rate.") var warmup: Int = 100
    @Option(name: .customLong("clip-norm"), help: "Global gradient-norm clip; 0 = off.") var clipNorm: Float = 5
    @Option(name: .customLong("label-smoothing")) var labelSmoothing: Float = 0
    @Option var seed: UInt64 = 1
    @Option var threads: Int = 2
    @Option(name: .customLong("checkpoint-dir"), help: "Writes last.ckpt after each epoch.") var checkpointDir: String?
    @Option(help: "Resume parameters, optimizer state and epoch from a checkpoint.") var resume: String?
    @Option(name: .customLong("init"), help: "Start from a checkpoint's parameters (fine-tuning, QAT).") var initFrom: String?
    @Option(help: "Quantization-aware training: fake-quantize weights to int8 or int4.") var qat: String?
    @Flag(name: .customLong("spec-augment"), help: "Speech: time shift and time/frequency masks on every training batch (EdgeTrain.SpecAugment defaults).")
    var specAugment = false
    @Option(help: "Fine-tune with this fraction of every dense conv/linear weight pruned by magnitude and held at zero (use with --init).")
    var prune: Float?
    @Option(name: [.short, .customLong("output")], help: "Output model (.edge).") var output: String

    static let speechLabels = ["_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
    static let detectionLabels = ["stop_sign", "turn_left", "turn_right", "crosswalk", "exit_sign"]

    var classNames: [String] {
        if let labels { return labels.split(separator: ",").map(String.init) }
        switch task {
        case "speech": return Self.speechLabels
        case "detection": return Self.detectionLabels
        case "recommendation": return []
        default: return []
        }
    }

    func validate() throws {
        guard ["speech", "detection", "recommendation", "classification"].contains(task) else { throw ValidationError("unknown --task \(task)") }
        guard epochs > 0, batch > 1, lr > 0, threads > 0 else { throw ValidationError("--epochs, --lr, --threads must be positive and --batch ≥ 2") }
        guard qat == nil || qat == "int8" || qat == "int4" else { throw ValidationError("--qat must be int8 or int4") }
        guard ["adamw", "adam", "sgd"].contains(optimizer) else { throw ValidationError("unknown --optimizer \(optimizer)") }
        if task == "classification" && labels == nil { throw ValidationError("--labels is required for --task classification") }
        if let prune, !(prune > 0 && prune < 1) { throw ValidationError("--prune must be in (0, 1)") }
        if specAugment && task != "speech" { throw ValidationError("--spec-augment applies to --task speech only") }
    }

    var config: TrainConfig {
        var c = TrainConfig()
        c.epochs = epochs
        c.batchSize = batch
        c.learningRate = lr
        c.weightDecay = weightDecay
        c.warmupSteps = warmup < 0 ? nil : warmup
        c.clipNorm = clipNorm > 0 ? clipNorm : nil
        c.seed = seed
        c.threads = threads
        c.checkpointDirectory = checkpointDir
        c.specAugment = specAugment ? SpecAugment() : nil
        c.pruneSparsity = prune
        c.optimizer = switch optimizer {
        case "sgd": .sgd(momentum: 0.9, nesterov: true)
        case "adam": .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        default: .adamW(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        }
        return c
    }

    /// Per-item input shape of the first input, read from features.npy's header.
    private func featureShape() throws -> [Int] {
        Array(try Npy.read(path: (data as NSString).appendingPathComponent("features.npy")).shape.dropFirst())
    }

    /// Builds the architecture for the task, sized from the data where the contract leaves it open.
    func network() throws -> Network {
        let shape = try featureShape()
        let classes = classNames.count
        switch arch ?? ["speech": "ds-cnn", "detection": "detector", "recommendation": "ranker"][task] ?? "small-cnn" {
        case "ds-cnn":
            return try Network.speechDSCNN(width: Int(width ?? 64), blocks: depth ?? 4, classes: classes, inputShape: shape, seed: seed)
        case "detector":
            guard shape.count == 3, shape[0] == 3, shape[1] == shape[2] else { throw EdgeError(.invalidInput, "detector: features.npy must be [N, 3, S, S], got \(shape)") }
            return try Network.detector(width: Float(width ?? 1), depth: depth ?? 2, classes: classes, size: shape[1], seed: seed)
        case "ranker":
            guard shape.count == 1 else { throw EdgeError(.invalidInput, "ranker: features.npy must be [N, F], got \(shape)") }
            return try Network.ranker(features: shape[0], cardinalities: try rankerCardinalities(), embedding: embedding,
                                      hidden: Int(width ?? 64), topLayers: depth ?? 2, seed: seed)
        case "small-cnn":
            return try Network.smallCNN(inputShape: shape, classes: classes, width: Int(width ?? 8), seed: seed)
        case let other: throw ValidationError("unknown --arch \(other)")
        }
    }

    private func rankerCardinalities() throws -> [Int] {
        if let cardinalities { return cardinalities.split(separator: ",").compactMap { Int($0) } }
        let cat = try Npy.read(path: (data as NSString).appendingPathComponent("categorical.npy"))
        guard cat.shape.count == 2 else { throw EdgeError(.invalidInput, "categorical.npy must be [N, K], got \(cat.shape)") }
        let ids = try cat.intValues(), k = cat.shape[1]
        // Match data: the tables must cover the whole vocabulary, not only the ids this split
        // happens to contain, or a held-out split (or the daemon) meets ids outside the table.
        if k == MatchFeatures.categoricalCount, try featureShape() == [MatchFeatures.numericCount] { return MatchFeatures.vocabularySizes }
        return (0..<k).map { j in (stride(from: j, to: ids.count, by: k).map { ids[$0] }.max() ?? 0) + 1 }
    }

    func expectation(_ net: Network) -> DataLoading.Expectation {
        let cards = (net.graph.layers.first { $0 is Embedding } as? Embedding)?.cardinalities
        return DataLoading.Expectation(task: task, inputShapes: net.graph.inputs.map(\.shape), classes: classNames.count,
                                       cardinalities: cards, classNames: classNames)
    }

    /// Builds the trainer (resume / init / QAT applied), trains, and writes the model.
    func train(_ net: Network, _ objective: Objective, _ trainData: TrainingData, extra: [String: String] = [:]) throws {
        let validation = try val.map { try DataLoading.load($0, expectation(net)) }
        if let initFrom { try Checkpoint.load(from: initFrom, state: net.graph.state, optimizer: nil) }
        if let qat { net.enableFakeQuant(bits: qat == "int4" ? 4 : 8) }
        if let checkpointDir { try FileManager.default.createDirectory(atPath: checkpointDir, withIntermediateDirectories: true) }
        let trainer = Trainer(network: net, objective: objective, config: config)
        if let resume { try trainer.resume(from: resume) }
        print("training \(net.description) on \(trainData.count) samples")
        try trainer.fit(trainData, validation: validation) { r in
            var line = String(format: "epoch %d  loss %.4f", r.epoch + 1, r.loss)
            if let a = r.trainAccuracy { line += String(format: "  acc %.4f", a) }
            if let l = r.validationLoss { line += String(format: "  val_loss %.4f", l) }
            if let a = r.validationAccuracy { line += String(format: "  val_acc %.4f", a) }
            print(line + String(format: "  (%.1f s)", r.seconds))
        }
        var parameters = ["architecture": net.description, "epochs": "\(epochs)", "seed": "\(seed)"]
        if let qat { parameters["qat"] = qat }
        if specAugment { parameters["augmentation"] = "spec-augment" }
        if let prune { parameters["pruned_sparsity"] = "\(prune)" }
        let metadata = ModelMetadata(name: URL(fileURLWithPath: output).deletingPathExtension().lastPathComponent, task: net.task,
                                     labels: classNames,
                                     variant: ModelMetadata.Variant(name: qat ?? "float", method: qat.map { "qat-\($0)" } ?? "float", parameters: parameters),
                                     measured: ModelMetadata.Measurements(parameters: net.graph.parameters.reduce(0) { $0 + $1.count }, macs: try net.macs()),
                                     extra: extra.merging(["producer": "edge-assistant train"]) { a, _ in a })
        try net.graph.writeModel(to: output, metadata: metadata)
        print("wrote \(output)")
    }

    func objective() -> Objective {
        switch task {
        case "detection": .detection(classes: classNames.count, boxWeight: 1, giou: false)
        case "recommendation": .binary
        default: .classification(smoothing: labelSmoothing)
        }
    }
}
