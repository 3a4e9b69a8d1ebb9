import EdgeRuntime

/// What the network is trained to minimise.
public enum Objective: Sendable {
    /// Softmax cross-entropy on head "logits" against `labels`.
    case classification(smoothing: Float)
    /// Binary cross-entropy with logits on head "logits" against `targets`.
    case binary
    /// Focal loss on "heatmap_logits" + `boxWeight`·(L1 or GIoU) on "boxes" at centre cells.
    case detection(classes: Int, boxWeight: Float, giou: Bool)
    /// α·T²·KL to `teacherLogits` ([N, C], same sample order as the data) + (1 − α)·CE.
    case distillation(teacherLogits: TTensor, alpha: Float, temperature: Float)
    /// Binary form of `distillation` on a one-logit head against `targets` (recommendation).
    case binaryDistillation(teacherLogits: TTensor, alpha: Float, temperature: Float)
    /// `detection` (L1 boxes) with the teacher's heatmap (and boxes) mixed in (`Losses.detection`).
    case detectionDistillation(DetectionDistillation)
}

/// Training settings.
public struct TrainConfig: Sendable {
    public var epochs = 10
    public var batchSize = 32
    public var optimizer: OptimizerKind = .adamW(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
    public var weightDecay: Float = 1e-4
    public var learningRate: Float = 1e-3
    /// Warmup steps of the cosine schedule (nil: constant learning rate).
    public var warmupSteps: Int? = 0
    public var clipNorm: Float? = 5
    public var seed: UInt64 = 1
    public var threads = 2
    /// Directory for `last.ckpt` after each epoch (nil: no checkpoints).
    public var checkpointDirectory: String?
    /// Augmentation of the first input of every training batch (speech log-mel; nil: none).
    public var specAugment: SpecAugment?
    /// Magnitude-pruning fine-tuning: this fraction of every prunable weight tensor is zeroed at
    /// the start and kept at zero (`PruningMasks`; nil: no pruning).
    public var pruneSparsity: Float?
    public init() {}
}

/// Per-epoch figures.
public struct EpochReport: Sendable {
    public var epoch: Int
    public var loss: Float
    /// Accuracy (classification/distillation) or accuracy at 0.5 (binary) on the training batches.
    public var trainAccuracy: Float?
    public var validationLoss: Float?
    public var validationAccuracy: Float?
    public var seconds: Double
}

/// Mini-batch training loop: seeded shuffle per epoch, forward, loss, backward, clipping,
/// optimizer step with the schedule, checkpoint after each epoch.
public final class Trainer: @unchecked Sendable {
    public let network: Network
    public let objective: Objective
    public let config: TrainConfig
    public let optimizer: Optimizer
    public let pool: ComputePool
    public private(set) var startEpoch = 0

    public init(network: Network, objective: Objective, config: TrainConfig) {
        self.network = network
        self.objective = objective
        self.config = config
        optimizer = Optimizer(config.optimizer, weightDecay: config.weightDecay)
        pool = ComputePool(threads: config.threads)
    }

    /// Restores parameters, optimizer state and the epoch counter from a checkpoint.
    public func resume(from path: String) throws(EdgeError) {
        startEpoch = try Checkpoint.load(from: path, state: network.graph.state, optimizer: optimizer).epoch
    }

    func schedule(stepsPerEpoch: Int) -> LRSchedule {
        guard let warmup = config.warmupSteps else { return .constant(config.learningRate) }
        return .cosine(base: config.learningRate, warmup: warmup, total: stepsPerEpoch * config.epochs, minLR: config.learningRate * 0.01)
    }

    /// Trains for the configured epochs; `log` sees every epoch's report.
    @discardableResult
    public func fit(_ data: TrainingData, validation: TrainingData? = nil, log: (EpochReport) -> Void = { _ in }) throws(EdgeError) -> [EpochReport] {
        guard data.count > 0 else { throw EdgeError(.invalidInput, "no training samples") }
        let graph = network.graph
        let steps = (data.count + config.batchSize - 1) / config.batchSize
        let lr = schedule(stepsPerEpoch: steps)
        let masks = try config.pruneSparsity.map { s throws(EdgeError) in try PruningMasks(layers: graph.layers, sparsity: s) }
        masks?.apply()
        var reports = [EpochReport]()
        for epoch in startEpoch..<config.epochs {
            let start = ContinuousClock.now
            var order = Array(0..<data.count)
            var shuffle = SplitMix64(seed: config.seed &+ UInt64(epoch) &* 0x9E37)
            shuffle.shuffle(&order)
            let ctx = RunContext(training: true, pool: pool, seed: config.seed ^ UInt64(epoch + 1))
            var totalLoss = 0.0, correct = 0, seen = 0
            // A last batch of one sample would give batch norm a single value per channel: drop it.
            for s in 0..<steps {
                let idx = order[(s * config.batchSize)..<min((s + 1) * config.batchSize, data.count)]
                guard idx.count > 1 || steps == 1 else { continue }
                var batch = data.subset(idx)
                if let augment = config.specAugment {
                    var rng = SplitMix64(seed: config.seed ^ (UInt64(epoch) << 32 | UInt64(s)) &* 0x2545_F491_4F6C_DD1D)
                    try augment.apply(&batch.inputs[0], rng: &rng)
                }
                let values = try graph.forward(batch.inputs, ctx)
                let (loss, seeds) = try lossAndSeeds(values, batch, idx)
                guard loss.isFinite else { throw EdgeError(.invalidInput, "loss became \(loss) at epoch \(epoch) step \(s) (learning rate too high?)") }
                graph.zeroGrad()
                graph.backward(values, seeds: seeds, ctx)
                if let clip = config.clipNorm { Optimizer.clipGradients(graph.parameters, maxNorm: clip) }
                optimizer.step(graph.parameters, lr: lr.lr(at: optimizer.stepCount))
                masks?.apply()
                totalLoss += Double(loss) * Double(idx.count)
                if let c = countCorrect(values, batch) { correct += c }
                seen += idx.count
            }
            var report = EpochReport(epoch: epoch, loss: Float(totalLoss / Double(max(seen, 1))),
                                     trainAccuracy: hasAccuracy ? Float(correct) / Float(max(seen, 1)) : nil, seconds: 0)
            if let validation {
                let m = try evaluate(validation)
                report.validationLoss = m.loss
                report.validationAccuracy = m.accuracy
            }
            let elapsed = (ContinuousClock.now - start).components
            report.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            if let dir = config.checkpointDirectory {
                try Checkpoint.save(to: dir + "/last.ckpt", state: graph.state, optimizer: optimizer, epoch: epoch + 1)
            }
            reports.append(report)
            log(report)
        }
        return reports
    }

    /// Held-out data has no teacher logits: distillation is evaluated by its hard-label loss.
    private var evaluationObjective: Objective {
        switch objective {
        case .distillation: return .classification(smoothing: 0)
        case .binaryDistillation: return .binary
        case .detectionDistillation(let d): return .detection(classes: d.classes, boxWeight: 1, giou: false)
        default: return objective
        }
    }

    private var hasAccuracy: Bool {
        switch objective {
        case .detection, .detectionDistillation: false
        default: true
        }
    }

    /// Eval-mode loss and accuracy (where defined) over `data`, in batches.
    public func evaluate(_ data: TrainingData) throws(EdgeError) -> (loss: Float, accuracy: Float?) {
        let ctx = RunContext(training: false, pool: pool)
        var total = 0.0, correct = 0
        var start = 0
        while start < data.count {
            let idx = Array(start..<min(start + config.batchSize, data.count))[...]
            let batch = data.subset(idx)
            let values = try network.graph.forward(batch.inputs, ctx)
            total += Double(try lossAndSeeds(values, batch, idx, objective: evaluationObjective).0) * Double(idx.count)
            correct += countCorrect(values, batch) ?? 0
            start += idx.count
        }
        return (Float(total / Double(max(data.count, 1))), hasAccuracy ? Float(correct) / Float(max(data.count, 1)) : nil)
    }

    private func head(_ name: String) throws(EdgeError) -> Int {
        guard let id = network.heads[name] else { throw EdgeError(.invalidInput, "the \(network.task) network has no '\(name)' head for this objective") }
        return id
    }

    private func require<T>(_ v: T?, _ what: String) throws(EdgeError) -> T {
        guard let v else { throw EdgeError(.invalidInput, "the data has no \(what) for this objective") }
        return v
    }

    /// The batch loss and the gradient seeds of the heads it reads.
    func lossAndSeeds(_ values: [TTensor], _ batch: TrainingData, _ idx: ArraySlice<Int>, objective: Objective? = nil) throws(EdgeError) -> (Float, [Int: TTensor]) {
        switch objective ?? self.objective {
        case .classification(let smoothing):
            let h = try head("logits")
            let l = Losses.softmaxCrossEntropy(values[h], labels: try require(batch.labels, "labels"), smoothing: smoothing)
            return (l.loss, [h: l.grad])
        case .binary:
            let h = try head("logits")
            let l = Losses.binaryCrossEntropy(values[h], targets: try require(batch.targets, "binary targets"))
            return (l.loss, [h: l.grad])
        case .detection(let classes, let boxWeight, let giou):
            return try detectionLoss(values, batch, classes: classes, boxWeight: boxWeight, giou: giou, teacher: nil)
        case .detectionDistillation(let d):
            let teacher = (heatmap: d.teacherHeatmap.rows(idx), boxes: d.teacherBoxes?.rows(idx), alpha: d.alpha, boxAlpha: d.boxAlpha)
            return try detectionLoss(values, batch, classes: d.classes, boxWeight: 1, giou: false, teacher: teacher)
        case .distillation(let teacher, let alpha, let temperature):
            let h = try head("logits")
            let l = Losses.distillation(student: values[h], teacher: teacher.rows(idx), labels: try require(batch.labels, "labels"),
                                        alpha: alpha, temperature: temperature)
            return (l.loss, [h: l.grad])
        case .binaryDistillation(let teacher, let alpha, let temperature):
            let h = try head("logits")
            let l = Losses.binaryDistillation(student: values[h], teacher: teacher.rows(idx), targets: try require(batch.targets, "binary targets"),
                                              alpha: alpha, temperature: temperature)
            return (l.loss, [h: l.grad])
        }
    }

    /// `Losses.detection` on the heads "heatmap_logits" and "boxes" with targets from the batch's boxes.
    private func detectionLoss(_ values: [TTensor], _ batch: TrainingData, classes: Int, boxWeight: Float, giou: Bool,
                               teacher: (heatmap: TTensor, boxes: TTensor?, alpha: Float, boxAlpha: Float)?) throws(EdgeError) -> (Float, [Int: TTensor]) {
        let (hm, bx) = (try head("heatmap_logits"), try head("boxes"))
        let size = network.graph.inputs[0].shape[1]
        let t = DetectionTargetBuilder.build(try require(batch.boxes, "boxes"), classes: classes, size: size)
        let l = Losses.detection(heatLogits: values[hm], boxes: values[bx], targets: t, boxWeight: boxWeight, giou: giou, teacher: teacher)
        return (l.loss, [hm: l.heat, bx: l.boxes])
    }

    private func countCorrect(_ values: [TTensor], _ batch: TrainingData) -> Int? {
        guard let h = network.heads["logits"] else { return nil }
        let y = values[h], c = y.itemCount
        if let t = batch.targets, y.itemCount == 1 {
            return (0..<y.batch).filter { (y.data[$0] > 0) == (t[$0] >= 0.5) }.count
        }
        guard let labels = batch.labels else { return nil }
        return (0..<y.batch).filter { i in
            let row = y.data[(i * c)..<((i + 1) * c)]
            return row.indices.max { row[$0] < row[$1] }! - i * c == labels[i]
        }.count
    }
}
