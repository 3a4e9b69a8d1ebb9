import EdgeRuntime

/// Per-pass state shared by all layers: train/eval mode, the thread pool, the dropout stream.
public final class RunContext: @unchecked Sendable {
    /// Train mode: batch-norm uses batch statistics and updates running ones; dropout is active.
    public var training: Bool
    public let pool: ComputePool
    /// Seeded stream for dropout masks; advances every training step, so runs are reproducible.
    public var rng: SplitMix64
    /// When set, the graph adds each layer's forward/backward wall time to it.
    public var profile: LayerTimes?

    public init(training: Bool, pool: ComputePool, seed: UInt64 = 0) {
        self.training = training
        self.pool = pool
        self.rng = SplitMix64(seed: seed)
    }
}

/// One node kind of a `TrainGraph`. A layer computes its output from its inputs (forward) and
/// the gradients of its inputs and parameters from the output gradient (backward). Backward is
/// called at most once after each forward, with the same inputs; layers may cache what they
/// need (normalised values, argmax indices, masks) during a training forward.
public protocol Layer: AnyObject {
    /// Unique within the graph; prefixes parameter names and exported node names.
    var name: String { get }
    /// Trainable parameters.
    var parameters: [Parameter] { get }
    /// Saved but not trained (running statistics).
    var buffers: [Parameter] { get }
    /// Per-item output shape (batch excluded) for per-item input shapes; validates the inputs.
    func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int]
    func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor
    /// Gradients of the inputs (nil where `needs[i]` is false); accumulates parameter gradients.
    func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?]
    /// Appends the eval-mode equivalent (ONNX semantics) of this layer to `graph`.
    func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError)
}

extension Layer {
    public var buffers: [Parameter] { [] }
}

/// Builds an EdgeRuntime `Graph` during export: unique initializer names, ONNX nodes.
public final class GraphBuilder {
    public private(set) var graph = Graph(name: "trained")

    public init() {}

    /// Adds an initializer named `name` (float32, the given shape).
    @discardableResult
    public func constant(_ name: String, shape: [Int], values: [Float]) -> String {
        graph.initializers[name] = try! Tensor(values, shape: shape)
        return name
    }

    /// Adds an int64 initializer.
    @discardableResult
    public func constant(_ name: String, shape: [Int], ints: [Int64]) -> String {
        graph.initializers[name] = try! Tensor(ints, shape: shape)
        return name
    }

    /// Adds an initializer of any dtype.
    public func addInitializer(_ name: String, _ tensor: Tensor) { graph.initializers[name] = tensor }

    public func node(_ op: String, name: String, inputs: [String], output: String, _ attributes: [String: Attribute] = [:]) {
        graph.nodes.append(Node(name: name, op: op, inputs: inputs, outputs: [output], attributes: attributes))
    }

    func setInputs(_ inputs: [ValueInfo], outputs: [ValueInfo]) {
        graph.inputs = inputs
        graph.outputs = outputs
    }
}

/// Training draws on EdgeRuntime's `SplitMix64` (one generator for the whole project) for
/// initialisation, shuffling and dropout; these are the float helpers training needs.
extension SplitMix64 {
    /// Uniform in [0, 1).
    public mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Float {
        let u1 = max(uniform(), 1e-7), u2 = uniform()
        return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }

    /// Uniform integer in [0, n).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Fisher–Yates shuffle of `a`.
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, below(i + 1)) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
