import EdgeRuntime

/// Error codes of the governor, on the engine's extensible `EdgeError.Code`.
extension EdgeError.Code {
    /// A ladder or model card is malformed.
    public static let invalidLadder = EdgeError.Code(rawValue: "invalid_ladder")
    /// A governor rule does not parse.
    public static let invalidRule = EdgeError.Code(rawValue: "invalid_rule")
    /// The governor configuration (or a request constraint) has a bad value.
    public static let invalidConfiguration = EdgeError.Code(rawValue: "invalid_configuration")
    /// A model name the governor does not manage.
    public static let unknownModel = EdgeError.Code(rawValue: "unknown_model")
    /// A variant name the model's ladder does not have.
    public static let unknownVariant = EdgeError.Code(rawValue: "unknown_variant")
}
