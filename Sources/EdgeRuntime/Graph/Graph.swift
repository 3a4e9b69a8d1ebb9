/// One dimension of a declared input or output shape.
public enum Dim: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A fixed size.
    case fixed(Int)
    /// A size given at run time (e.g. batch), named for documentation.
    case symbolic(String)

    public var value: Int? {
        if case .fixed(let v) = self { return v }
        return nil
    }

    public var description: String {
        switch self {
        case .fixed(let v): "\(v)"
        case .symbolic(let s): s.isEmpty ? "?" : s
        }
    }

    /// Encoded as a JSON number (fixed) or string (symbolic).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Int.self) {
            guard v >= 0 else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "negative dimension \(v)") }
            self = .fixed(v)
        } else {
            self = .symbolic(try c.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .fixed(let v): try c.encode(v)
        case .symbolic(let s): try c.encode(s)
        }
    }
}

/// A named graph input or output with its declared element type and (possibly partial) shape.
public struct ValueInfo: Sendable, Hashable, Codable {
    public var name: String
    public var dtype: DType
    /// `nil` when the rank is unknown.
    public var shape: [Dim]?

    public init(name: String, dtype: DType, shape: [Dim]?) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }

    /// Whether a concrete shape matches this declaration.
    public func accepts(_ concrete: [Int]) -> Bool {
        guard let shape else { return true }
        guard shape.count == concrete.count else { return false }
        return zip(shape, concrete).allSatisfy { dim, c in dim.value.map { $0 == c } ?? true }
    }
}

/// One operation. Inputs and outputs are value names; an empty input name means an optional
/// input that is absent (ONNX convention).
public struct Node: Sendable {
    public var name: String
    /// Operator type, ONNX spelling with latest-opset semantics ("Conv", "Gemm", …).
    public var op: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: Attributes

    public init(name: String, op: String, inputs: [String], outputs: [String], attributes: [String: Attribute] = [:]) {
        self.name = name
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = Attributes(attributes, owner: "\(op) node '\(name)'")
    }

    /// "Conv node 'conv1'" — for error messages.
    public var label: String { "\(op) node '\(name)'" }
}

/// A dataflow graph with ONNX-like structure: named values, nodes in any order, constant
/// initializers. Operator semantics are those of the latest ONNX opset; importers translate
/// older opsets into this form, and internal fused forms add attributes (see `FusedActivation`).
public struct Graph: Sendable {
    public var name: String
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    public var nodes: [Node]
    /// Constant tensors by value name (weights). They may live in a memory-mapped file.
    public var initializers: [String: Tensor]

    public init(name: String = "graph", inputs: [ValueInfo] = [], outputs: [ValueInfo] = [], nodes: [Node] = [], initializers: [String: Tensor] = [:]) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.nodes = nodes
        self.initializers = initializers
    }

    /// Graph inputs that are not initializers (what a caller must feed).
    public var runtimeInputs: [ValueInfo] {
        inputs.filter { initializers[$0.name] == nil }
    }

    /// Nodes sorted so every value is produced before it is consumed.
    /// Throws on cycles, on values consumed but never produced, and on values produced twice.
    public func topologicallySorted() throws(EdgeError) -> [Node] {
        var producer: [String: Int] = [:]
        for (i, node) in nodes.enumerated() {
            for out in node.outputs where !out.isEmpty {
                if producer[out] != nil || initializers[out] != nil || inputs.contains(where: { $0.name == out }) {
                    throw EdgeError(.invalidGraph, "value '\(out)' is produced more than once (\(node.label))")
                }
                producer[out] = i
            }
        }
        let available = Set(inputs.map(\.name)).union(initializers.keys)
        var dependents = [[Int]](repeating: [], count: nodes.count)
        var pending = [Int](repeating: 0, count: nodes.count)
        for (i, node) in nodes.enumerated() {
            for input in node.inputs where !input.isEmpty {
                if let p = producer[input] {
                    dependents[p].append(i)
                    pending[i] += 1
                } else if !available.contains(input) {
                    throw EdgeError(.invalidGraph, "\(node.label) reads '\(input)', which no node, input or initializer provides")
                }
            }
        }
        var ready = (0..<nodes.count).filter { pending[$0] == 0 }.reversed() as [Int]
        var order: [Node] = []
        order.reserveCapacity(nodes.count)
        while let i = ready.popLast() {
            order.append(nodes[i])
            for d in dependents[i] {
                pending[d] -= 1
                if pending[d] == 0 { ready.append(d) }
            }
        }
        guard order.count == nodes.count else {
            let stuck = (0..<nodes.count).filter { pending[$0] > 0 }.prefix(5).map { nodes[$0].label }
            throw EdgeError(.invalidGraph, "graph has a cycle through \(stuck.joined(separator: ", "))")
        }
        for out in outputs where producer[out.name] == nil && !available.contains(out.name) {
            throw EdgeError(.invalidGraph, "graph output '\(out.name)' is never produced")
        }
        return order
    }
}
