/// Element types a tensor can hold. Raw values are ONNX `TensorProto.DataType` codes, so
/// import/export and the model file need no translation table.
public enum DType: UInt8, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case float32 = 1
    case uint8 = 2
    case int8 = 3
    case uint16 = 4
    case int16 = 5
    case int32 = 6
    case int64 = 7
    case bool = 9
    case float16 = 10
    case float64 = 11
    case uint32 = 12
    case uint64 = 13

    /// Bytes one element occupies.
    public var byteSize: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16, .float16: 2
        case .float32, .int32, .uint32: 4
        case .int64, .float64, .uint64: 8
        }
    }

    /// Lower-case name as used in ONNX docs and our CLI ("float32", "int64", …).
    public var description: String {
        switch self {
        case .float32: "float32"
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .bool: "bool"
        case .float16: "float16"
        case .float64: "float64"
        case .uint32: "uint32"
        case .uint64: "uint64"
        }
    }

    /// Parses `description` back.
    public init?(name: String) {
        guard let match = DType.allCases.first(where: { $0.description == name }) else { return nil }
        self = match
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 || self == .float16 }
}
