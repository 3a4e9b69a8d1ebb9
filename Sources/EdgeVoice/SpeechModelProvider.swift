import EdgeRuntime

/// One speech model ready to run: the session, the label order of its `logits`, and which
/// variant of the family it is (recorded in each event).
public struct SpeechModel: Sendable {
    public let session: InferenceSession
    public let labels: [String]
    public let variant: String

    /// The speech contract: input `features` float [1, 1, 98, 40], output `logits` float [1, labels].
    public static let inputName = "features"
    public static let outputName = "logits"

    public init(session: InferenceSession, labels: [String], variant: String) {
        self.session = session
        self.labels = labels
        self.variant = variant
    }

    /// Loads a `.edge` file; labels come from its metadata.
    /// - Throws: `EdgeError` for an unreadable model or one that breaks the speech contract.
    public static func load(path: String, variant: String? = nil) throws(EdgeError) -> SpeechModel {
        let model = try ModelFile.load(path: path)
        let session = try InferenceSession(graph: model.graph)
        let m = SpeechModel(session: session, labels: model.metadata.labels, variant: variant ?? model.metadata.variant.name)
        try m.validate()
        return m
    }

    /// Checks the session's inputs and outputs against the speech contract.
    public func validate() throws(EdgeError) {
        let ins = session.inputs
        guard ins.count == 1, ins[0].name == Self.inputName, ins[0].dtype == .float32,
              ins[0].accepts([1, 1, StreamingRecognizer.windowFrames, StreamingRecognizer.bands]) else {
            throw EdgeError(.invalidModel, "a speech model takes one input 'features' float [N, 1, 98, 40]; this one takes \(ins.map { "\($0.name) \($0.dtype) \($0.shape.map { "\($0)" } ?? "?")" })")
        }
        guard let out = session.outputs.first(where: { $0.name == Self.outputName }), out.dtype == .float32 else {
            throw EdgeError(.invalidModel, "a speech model has a float output 'logits' [N, labels]")
        }
        guard !labels.isEmpty, labels.count <= 1024 else {
            throw EdgeError(.invalidModel, "a speech model needs 1…1024 labels, this one has \(labels.count)")
        }
        if let shape = out.shape, shape.count == 2, let n = shape[1].value, n != labels.count {
            throw EdgeError(.invalidModel, "'logits' has \(n) classes but the metadata lists \(labels.count) labels")
        }
    }
}

/// Where the recognizer gets its model. The daemon's governor implements it and may return a
/// different variant at every call (an atomic swap); the recognizer asks once per model run,
/// so a switch takes effect at the next hop and each event names the variant that decided it.
public protocol SpeechModelProvider: Sendable {
    /// The model to run now, or nil when speech recognition is unavailable (no model loaded).
    func currentSpeechModel() -> SpeechModel?
}

/// A provider that always returns the same model (tests, `recognize` on the CLI, benchmarks).
public struct FixedSpeechModel: SpeechModelProvider {
    public let model: SpeechModel
    public init(_ model: SpeechModel) { self.model = model }
    public func currentSpeechModel() -> SpeechModel? { model }
}
