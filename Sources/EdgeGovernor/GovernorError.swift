/// An error a governor user (operator, config author, daemon) can act on: a stable `code` and a
/// message that names the offending input.
public struct GovernorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine-readable categories. Extensible: new codes may be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A ladder or model card is malformed.
        public static let invalidLadder = Code(rawValue: "invalid_ladder")
        /// A governor rule does not parse.
        public static let invalidRule = Code(rawValue: "invalid_rule")
        /// The governor configuration has a bad value.
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// A model name the governor does not manage.
        public static let unknownModel = Code(rawValue: "unknown_model")
        /// A variant name the model's ladder does not have.
        public static let unknownVariant = Code(rawValue: "unknown_variant")
        /// A file could not be read.
        public static let io = Code(rawValue: "io_error")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
