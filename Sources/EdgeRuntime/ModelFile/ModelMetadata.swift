/// Everything about a model that is not the graph: what it does, how to feed it, which rung of
/// a compression ladder it is, and what it measured on this box. Stored as JSON in the model
/// file's manifest; unknown keys written by newer versions are ignored when read.
public struct ModelMetadata: Codable, Sendable, Equatable {
    /// Model family name, e.g. "speech-commands".
    public var name: String
    /// What the model does: "speech-commands", "detection", "recommendation" or "generic".
    public var task: String
    public var description: String?
    /// Class labels in output order (empty if not a classifier).
    public var labels: [String]
    /// How each input must be prepared.
    public var inputs: [InputSpec]
    public var variant: Variant
    public var measured: Measurements
    /// Producer and free-form facts (e.g. "source": "import of x.onnx", "opset": "13").
    public var extra: [String: String]

    public init(name: String, task: String = "generic", description: String? = nil, labels: [String] = [],
                inputs: [InputSpec] = [], variant: Variant = Variant(), measured: Measurements = Measurements(),
                extra: [String: String] = [:]) {
        self.name = name
        self.task = task
        self.description = description
        self.labels = labels
        self.inputs = inputs
        self.variant = variant
        self.measured = measured
        self.extra = extra
    }

    /// Preprocessing for one input: how raw data (image, audio, features) becomes the tensor.
    public struct InputSpec: Codable, Sendable, Equatable {
        public var name: String
        /// e.g. "NCHW" for images, "NCT" for spectrograms, "N" for ids.
        public var layout: String?
        /// Free-form keys, e.g. "color": "RGB", "mean": "0.485,0.456,0.406", "sample_rate": "16000",
        /// "mel_bands": "40", "window_ms": "25", "hop_ms": "10".
        public var preprocessing: [String: String]

        public init(name: String, layout: String? = nil, preprocessing: [String: String] = [:]) {
            self.name = name
            self.layout = layout
            self.preprocessing = preprocessing
        }
    }

    /// Which compression rung this file is.
    public struct Variant: Codable, Sendable, Equatable {
        /// Variant name unique within the family, e.g. "teacher", "student", "student-int8".
        public var name: String
        /// "float", "distilled", "int8", "int4", "prune", "channel-prune", "lowrank", or a recipe "a+b".
        public var method: String
        /// 0 = least compressed; higher = smaller/cheaper.
        public var level: Int
        /// Method parameters, e.g. "sparsity": "0.5", "group": "32".
        public var parameters: [String: String]
        /// Variant this one was derived from.
        public var parent: String?

        public init(name: String = "float", method: String = "float", level: Int = 0, parameters: [String: String] = [:], parent: String? = nil) {
            self.name = name
            self.method = method
            self.level = level
            self.parameters = parameters
            self.parent = parent
        }
    }

    /// Figures measured on a real box (nil = not measured).
    public struct Measurements: Codable, Sendable, Equatable {
        public var sizeBytes: Int?
        public var parameters: Int?
        public var macs: Int?
        /// Metric name → value, e.g. "accuracy": 0.93, "mAP50": 0.71.
        public var accuracy: [String: Double]
        public var latencyP50Ms: Double?
        public var latencyP99Ms: Double?
        public var cpuMsPerInference: Double?
        /// Where the figures were taken, e.g. "x86_64 avx512, 1 thread".
        public var measuredOn: String?

        public init(sizeBytes: Int? = nil, parameters: Int? = nil, macs: Int? = nil, accuracy: [String: Double] = [:],
                    latencyP50Ms: Double? = nil, latencyP99Ms: Double? = nil, cpuMsPerInference: Double? = nil, measuredOn: String? = nil) {
            self.sizeBytes = sizeBytes
            self.parameters = parameters
            self.macs = macs
            self.accuracy = accuracy
            self.latencyP50Ms = latencyP50Ms
            self.latencyP99Ms = latencyP99Ms
            self.cpuMsPerInference = cpuMsPerInference
            self.measuredOn = measuredOn
        }
    }
}

/// A graph and its metadata: what a model file holds.
public struct Model: Sendable {
    public var graph: Graph
    public var metadata: ModelMetadata

    public init(graph: Graph, metadata: ModelMetadata) {
        self.graph = graph
        self.metadata = metadata
    }
}
