/// A trainable tensor (or a non-trained buffer such as batch-norm running statistics) with its
/// gradient. Optimizers update `value` from `grad`; checkpoints save `value`.
public final class Parameter: @unchecked Sendable {
    /// Unique within a network (`<layer>.<role>`); checkpoints and optimizer state key on it.
    public let name: String
    public let shape: [Int]
    public var value: [Float]
    public var grad: [Float]
    /// Whether weight decay applies (weights yes; biases, batch-norm scale/shift no).
    public let decays: Bool
    /// Channel axis for per-channel fake quantization of weights (nil: not a quantizable weight).
    public let quantAxis: Int?

    public init(name: String, shape: [Int], value: [Float], decays: Bool, quantAxis: Int? = nil) {
        precondition(shape.reduce(1, *) == value.count, "parameter \(name): \(value.count) values for \(shape)")
        self.name = name
        self.shape = shape
        self.value = value
        self.grad = [Float](repeating: 0, count: value.count)
        self.decays = decays
        self.quantAxis = quantAxis
    }

    public var count: Int { value.count }

    /// Resets the gradient to zero (before each backward pass).
    public func zeroGrad() {
        grad.withUnsafeMutableBufferPointer { g in
            for i in 0..<g.count { g[i] = 0 }
        }
    }
}
