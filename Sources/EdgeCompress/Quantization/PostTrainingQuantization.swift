import EdgeRuntime

/// Accuracy-aware mixed precision: keep layers float until the drop against the reference is
/// within `maxDrop`.
public struct MixedPrecision: Sendable {
    /// Largest accepted drop: 1 − top-1 agreement for classifier-like outputs, else 1 − mean
    /// cosine similarity (so 0.005 = half a point of top-1, or cosine ≥ 0.995).
    public var maxDrop: Double
    /// Samples the drop is measured on.
    public var evalSet: EvalSet
    /// The model the drop is measured against (the float original).
    public var reference: InferenceSession

    public init(maxDrop: Double, evalSet: EvalSet, reference: InferenceSession) {
        (self.maxDrop, self.evalSet, self.reference) = (maxDrop, evalSet, reference)
    }

    /// The drop an agreement measurement stands for.
    public static func drop(_ a: Agreement) -> Double { a.top1Agreement.map { 1 - $0 } ?? 1 - a.cosineSimilarity }
}

/// Static int8 post-training quantization (`--method int8`).
public enum PostTrainingQuantization {
    /// Calibrates `graph` on `calibration`, then writes its QDQ form; with `mixed`, the most
    /// sensitive layers stay float until the drop is within budget.
    public static func apply(_ graph: Graph, settings: Int8Settings, calibration: EvalSet,
                             mixed: MixedPrecision? = nil) throws(EdgeError) -> StepResult {
        let g = try ActivationSplit.apply(graph)
        let layers = QuantizableLayers.find(g)
        guard !layers.isEmpty else { throw EdgeError(.invalidInput, "int8: the model has no layer int8 quantization applies to") }
        var tensors: [String] = [], means: [String: Int] = [:]
        for layer in layers {
            tensors += layer.inputs + [layer.output]
            if settings.biasCorrection, case .weighted(let w) = layer.kind { means[layer.inputs[0]] = w.inputAxis }
        }
        let data = try Calibration.run(g, observe: tensors, channelMeans: means, observer: settings.observer, samples: calibration)
        let all = Set(layers.map(\.name))
        func build(_ included: Set<String>) -> (Graph, [LayerChange]) {
            QDQBuilder.build(g, layers: layers, including: included, data: data, settings: settings)
        }
        guard let mixed else {
            let (q, changes) = build(all)
            return StepResult(graph: q, changes: changes, notes: ["observer \(settings.observer.name), \(calibration.samples.count) calibration samples"])
        }
        return try selectPrecision(layers: layers, mixed: mixed, build: build)
    }

    /// Sensitivity = 1 − cosine with only that layer quantized; layers leave int8, most
    /// sensitive first, until the whole model's drop is within budget.
    private static func selectPrecision(layers: [QuantizableLayer], mixed: MixedPrecision,
                                        build: (Set<String>) -> (Graph, [LayerChange])) throws(EdgeError) -> StepResult {
        func measure(_ included: Set<String>) throws(EdgeError) -> (Graph, [LayerChange], Agreement) {
            let (q, changes) = build(included)
            let session = try InferenceSession(graph: q)
            return (q, changes, try Agreement.measure(original: mixed.reference, compressed: session, on: mixed.evalSet))
        }
        var included = Set(layers.map(\.name))
        var (graph, changes, agreement) = try measure(included)
        var notes = [String(format: "all %d layers int8: drop %.5f (max %.5f)", layers.count, MixedPrecision.drop(agreement), mixed.maxDrop)]
        var reasons: [String: String] = [:]
        if MixedPrecision.drop(agreement) > mixed.maxDrop {
            var sensitivity: [(String, Double)] = []
            for layer in layers {
                let (_, _, a) = try measure([layer.name])
                sensitivity.append((layer.name, 1 - a.cosineSimilarity))
            }
            sensitivity.sort { $0.1 > $1.1 }
            for (rank, (name, s)) in sensitivity.enumerated() where MixedPrecision.drop(agreement) > mixed.maxDrop {
                included.remove(name)
                (graph, changes, agreement) = try measure(included)
                reasons[name] = String(format: "kept float: sensitivity 1−cos %.3g (rank %d of %d); drop after %.5f", s, rank + 1,
                                       layers.count, MixedPrecision.drop(agreement))
            }
            notes.append(String(format: "%d layer(s) kept float: drop %.5f", reasons.count, MixedPrecision.drop(agreement)))
        }
        guard MixedPrecision.drop(agreement) <= mixed.maxDrop, !included.isEmpty else {
            throw EdgeError(.invalidInput, String(format: "int8: no layer can be quantized within --max-drop %g (best drop %.5f)",
                                                  mixed.maxDrop, MixedPrecision.drop(agreement)))
        }
        for i in changes.indices { if let r = reasons[changes[i].node] { changes[i].detail = r } }
        return StepResult(graph: graph, changes: changes, notes: notes)
    }
}
