/// An error a user of the engine can act on: a stable `code` for scripts and a message that
/// says what went wrong and, where possible, what to do.
public struct EdgeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine-readable categories. Extensible: new codes may be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A model file or ONNX file is malformed (bad magic, offsets, checksum, protobuf…).
        public static let invalidModel = Code(rawValue: "invalid_model")
        /// The model uses operators this engine does not implement.
        public static let unsupportedOperator = Code(rawValue: "unsupported_operator")
        /// A node's attributes or inputs are inconsistent (wrong rank, bad axis, …).
        public static let invalidGraph = Code(rawValue: "invalid_graph")
        /// Inputs given to `run` do not match the model (missing, wrong dtype or shape).
        public static let invalidInput = Code(rawValue: "invalid_input")
        /// A file could not be read or written.
        public static let io = Code(rawValue: "io_error")
        /// A tensor or plan would exceed the engine's size limits.
        public static let tooLarge = Code(rawValue: "too_large")
        /// A request the engine cannot honour (e.g. unsupported dtype for an op).
        public static let unsupported = Code(rawValue: "unsupported")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func invalidModel(_ message: String) -> EdgeError { EdgeError(.invalidModel, message) }
    static func invalidGraph(_ message: String) -> EdgeError { EdgeError(.invalidGraph, message) }
    static func invalidInput(_ message: String) -> EdgeError { EdgeError(.invalidInput, message) }
}
