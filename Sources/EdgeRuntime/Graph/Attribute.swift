/// A node attribute, mirroring ONNX `AttributeProto` kinds (graphs and sparse tensors excluded).
public enum Attribute: Sendable, CustomStringConvertible {
    case int(Int)
    case float(Float)
    case string(String)
    case ints([Int])
    case floats([Float])
    case strings([String])
    case tensor(Tensor)

    public var description: String {
        switch self {
        case .int(let v): "\(v)"
        case .float(let v): "\(v)"
        case .string(let v): "\"\(v)\""
        case .ints(let v): "\(v)"
        case .floats(let v): "\(v)"
        case .strings(let v): "\(v)"
        case .tensor(let t): t.description
        }
    }
}

/// Typed, validated access to a node's attributes. Errors name the node and attribute.
public struct Attributes: Sendable {
    public var values: [String: Attribute]
    /// Used in error messages.
    public var owner: String

    public init(_ values: [String: Attribute] = [:], owner: String = "") {
        self.values = values
        self.owner = owner
    }

    public subscript(name: String) -> Attribute? {
        get { values[name] }
        set { values[name] = newValue }
    }

    public func has(_ name: String) -> Bool { values[name] != nil }

    public func int(_ name: String) throws(EdgeError) -> Int? {
        switch values[name] {
        case nil: return nil
        case .int(let v): return v
        case .float(let v) where v == v.rounded(): return Int(v)
        default: throw wrongKind(name, "an integer")
        }
    }

    public func int(_ name: String, default value: Int) throws(EdgeError) -> Int {
        try int(name) ?? value
    }

    public func float(_ name: String) throws(EdgeError) -> Float? {
        switch values[name] {
        case nil: return nil
        case .float(let v): return v
        case .int(let v): return Float(v)
        default: throw wrongKind(name, "a float")
        }
    }

    public func float(_ name: String, default value: Float) throws(EdgeError) -> Float {
        try float(name) ?? value
    }

    public func ints(_ name: String) throws(EdgeError) -> [Int]? {
        switch values[name] {
        case nil: return nil
        case .ints(let v): return v
        case .int(let v): return [v]
        default: throw wrongKind(name, "a list of integers")
        }
    }

    public func floats(_ name: String) throws(EdgeError) -> [Float]? {
        switch values[name] {
        case nil: return nil
        case .floats(let v): return v
        case .float(let v): return [v]
        case .ints(let v): return v.map(Float.init)
        default: throw wrongKind(name, "a list of floats")
        }
    }

    public func string(_ name: String) throws(EdgeError) -> String? {
        switch values[name] {
        case nil: return nil
        case .string(let v): return v
        default: throw wrongKind(name, "a string")
        }
    }

    public func string(_ name: String, default value: String) throws(EdgeError) -> String {
        try string(name) ?? value
    }

    public func tensor(_ name: String) throws(EdgeError) -> Tensor? {
        switch values[name] {
        case nil: return nil
        case .tensor(let t): return t
        default: throw wrongKind(name, "a tensor")
        }
    }

    private func wrongKind(_ name: String, _ expected: String) -> EdgeError {
        EdgeError(.invalidGraph, "\(owner): attribute '\(name)' must be \(expected)")
    }
}
