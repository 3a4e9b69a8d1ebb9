import EdgeRuntime
import Foundation

/// Applies a compression recipe, writes the result and its reports, and records the measured
/// figures in the output's metadata: the engine behind `edge-assistant compress`.
public enum Compressor {
    /// Steps applied to a graph, in order, after the standard optimisation (BatchNorm folding,
    /// activation fusion), which changes no output beyond float rounding.
    /// `data` supplies what quantization steps need (calibration samples, mixed-precision budget).
    public static func compress(_ graph: Graph, steps: [CompressionStep], data: StepData = StepData()) throws(EdgeError) -> (Graph, [StepReport]) {
        var g = try GraphOptimizer.optimize(graph)
        var reports: [StepReport] = []
        for step in steps {
            let result: StepResult
            switch step {
            case .prune(let s, let scope): result = try MagnitudePruning.apply(g, sparsity: s, scope: scope)
            case .channelPrune(let r, let norm): result = try ChannelPruning.apply(g, ratio: r, norm: norm)
            case .lowRank(let rank): result = try LowRankFactorization.apply(g, rank: rank)
            case .int8(let settings):
                guard let calibration = data.calibration else {
                    throw EdgeError(.invalidInput, "int8 needs --calibration DIR (.npy samples named by input)")
                }
                result = try PostTrainingQuantization.apply(g, settings: settings, calibration: calibration, mixed: data.mixed)
            case .int8Dynamic(let perChannel): result = try DynamicQuantization.apply(g, perChannel: perChannel)
            case .int4(let group): result = try Int4Quantization.apply(g, group: group)
            }
            g = result.graph
            reports.append(StepReport(method: step.method, parameters: step.parameters, layers: result.changes,
                                      notes: result.notes.isEmpty ? nil : result.notes))
        }
        guard reports.contains(where: { $0.layers.contains(where: \.changed) }) else {
            let why = reports.flatMap(\.layers).prefix(5).map { "\($0.node): \($0.detail)" }.joined(separator: "; ")
            throw EdgeError(.invalidInput, "nothing to compress: no layer could be changed (\(why))")
        }
        return (g, reports)
    }

    /// Inputs of the quantization steps.
    public struct StepData: Sendable {
        public var calibration: EvalSet?
        public var mixed: MixedPrecision?
        public init(calibration: EvalSet? = nil, mixed: MixedPrecision? = nil) {
            (self.calibration, self.mixed) = (calibration, mixed)
        }
    }

    /// What to measure and how.
    public struct Options: Sendable {
        public var evalDirectory: String?
        /// int8: directory of calibration samples (same layouts as `evalDirectory`).
        public var calibrationDirectory: String?
        /// int8: accuracy-aware mixed precision budget (needs `evalDirectory`), see `MixedPrecision`.
        public var maxDrop: Double?
        public var runs = 50
        public var warmup = 5
        public var threads = 1
        /// Variant name of the output (default: "<parent>-<method>").
        public var variantName: String?
        public init() {}
    }

    /// Compresses `model` (read from `inputPath`) into `outputPath`, then writes
    /// `<outputPath minus extension>.report.json` and `.report.md` beside it.
    public static func run(_ model: Model, inputPath: String, outputPath: String, steps: [CompressionStep],
                           options: Options = Options()) throws(EdgeError) -> CompressionReport {
        let session = try InferenceSession(graph: model.graph, options: SessionOptions(threads: options.threads))
        let eval = try options.evalDirectory.map { (dir) throws(EdgeError) in
            try EvalSet(directory: dir, model: session.inputs)
        }
        let data = try stepData(steps: steps, options: options, reference: session, eval: eval)
        let (graph, stepReports) = try compress(model.graph, steps: steps, data: data)
        let compressedSession = try InferenceSession(graph: graph, options: SessionOptions(threads: options.threads))
        let feeds: [String: Tensor]
        if let first = eval?.samples.first { feeds = first.feeds } else { feeds = try Benchmark.randomInputs(for: model.graph) }
        let before = try figures(session, feeds: feeds, sizeBytes: fileSize(inputPath), options: options)
        var after = try figures(compressedSession, feeds: feeds, sizeBytes: 0, options: options)
        let agreement = try eval.map { (set) throws(EdgeError) in
            try Agreement.measure(original: session, compressed: compressedSession, on: set)
        }

        var meta = model.metadata
        let method = steps.map(\.method).joined(separator: "+")
        var parameters: [String: String] = [:]
        for step in steps {
            for (k, v) in step.parameters { parameters[steps.count > 1 ? "\(step.method).\(k)" : k] = v }
        }
        meta.variant = ModelMetadata.Variant(name: options.variantName ?? "\(model.metadata.variant.name)-\(method)", method: method,
                                             level: model.metadata.variant.level + 1, parameters: parameters,
                                             parent: model.metadata.variant.name)
        meta.extra["compressed_from"] = URL(fileURLWithPath: inputPath).lastPathComponent
        meta.measured = ModelMetadata.Measurements(parameters: after.parameters, macs: after.macs,
                                                   latencyP50Ms: after.latencyP50Ms, latencyP99Ms: after.latencyP99Ms,
                                                   cpuMsPerInference: after.cpuMsPerInference, measuredOn: measuredOn(options))
        if let a = agreement {
            meta.measured.accuracy["cosine_similarity"] = a.cosineSimilarity
            meta.measured.accuracy["max_abs_diff"] = a.maxAbsDiff
            if let t = a.top1Agreement { meta.measured.accuracy["top1_agreement"] = t }
        }
        after.sizeBytes = try writeStable(Model(graph: graph, metadata: meta), to: outputPath)
        let report = CompressionReport(input: inputPath, output: outputPath, method: method, parameters: parameters,
                                       steps: stepReports, original: before, compressed: after, agreement: agreement,
                                       measuredOn: measuredOn(options))
        try report.write(beside: outputPath)
        return report
    }

    /// Loads the calibration set and checks the flags that only some methods accept, before any work.
    private static func stepData(steps: [CompressionStep], options: Options, reference: InferenceSession,
                                 eval: EvalSet?) throws(EdgeError) -> StepData {
        let int8 = steps.contains { if case .int8 = $0 { true } else { false } }
        guard int8 || (options.calibrationDirectory == nil && options.maxDrop == nil) else {
            throw EdgeError(.invalidInput, "--calibration and --max-drop apply to --method int8 only")
        }
        guard int8 else { return StepData() }
        guard let dir = options.calibrationDirectory else {
            throw EdgeError(.invalidInput, "int8 needs --calibration DIR (.npy samples named by input)")
        }
        var data = StepData(calibration: try EvalSet(directory: dir, model: reference.inputs, flag: "--calibration"))
        if let maxDrop = options.maxDrop {
            guard maxDrop >= 0, maxDrop < 1 else { throw EdgeError(.invalidInput, "--max-drop must be in [0, 1), got \(maxDrop)") }
            guard let eval else { throw EdgeError(.invalidInput, "--max-drop needs --eval DIR to measure the drop on") }
            data.mixed = MixedPrecision(maxDrop: maxDrop, evalSet: eval, reference: reference)
        }
        return data
    }

    /// Writes with `measured.sizeBytes` equal to the file's final size (the number's own digits
    /// change the size, so re-encode until it is a fixed point; two rounds suffice in practice).
    private static func writeStable(_ model: Model, to path: String) throws(EdgeError) -> Int {
        var m = model
        var size = 0
        for _ in 0..<4 {
            m.metadata.measured.sizeBytes = size
            let bytes = try ModelFile.encode(m, sparseTensors: true)
            if bytes.count == size { break }
            size = bytes.count
        }
        m.metadata.measured.sizeBytes = size
        try ModelFile.write(m, to: path, sparseTensors: true)
        return fileSize(path)
    }

    private static func figures(_ session: InferenceSession, feeds: [String: Tensor], sizeBytes: Int, options: Options) throws(EdgeError) -> ModelFigures {
        let (_, r) = try Benchmark.measure(session, feeds: feeds, runs: options.runs, warmup: options.warmup)
        let weights = session.graph.initializers.values
        let nonzero = weights.reduce(0) { acc, t in
            acc + (t.dtype == .float32 ? t.scalars(as: Float.self).reduce(0) { $0 + ($1 != 0 ? 1 : 0) } : t.count)
        }
        return ModelFigures(sizeBytes: sizeBytes, parameters: CostModel.parameterCount(session.graph), nonzeroParameters: nonzero,
                            macs: r.macs, latencyP50Ms: r.p50Ms, latencyP99Ms: r.p99Ms, cpuMsPerInference: r.cpuMsPerRun)
    }

    private static func measuredOn(_ o: Options) -> String {
        "\(KernelInfo.activeISA), \(o.threads) thread\(o.threads == 1 ? "" : "s")"
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
