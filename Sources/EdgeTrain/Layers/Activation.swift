import CEdgeKernels
import EdgeRuntime

/// Pointwise activations (forward `ek_activation_apply`, backward `ek_activation_backward`).
public enum ActivationKind: String, Sendable, CaseIterable {
    case relu, relu6, hardSwish = "hardswish", sigmoid, tanh
}

/// An activation layer (any input shape).
public final class Activation: Layer {
    public let name: String
    public let kind: ActivationKind

    public init(name: String, kind: ActivationKind) {
        self.name = name
        self.kind = kind
    }

    public var parameters: [Parameter] { [] }
    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] { inputs[0] }

    /// The vectorised C kernel computing the same function.
    var kernel: ek_activation {
        switch kind {
        case .relu: ek_activation(kind: Int32(EK_ACT_RELU.rawValue), alpha: 0, beta: 0)
        case .relu6: ek_activation(kind: Int32(EK_ACT_CLIP.rawValue), alpha: 0, beta: 6)
        case .hardSwish: ek_activation(kind: Int32(EK_ACT_HARD_SWISH.rawValue), alpha: 0, beta: 0)
        case .sigmoid: ek_activation(kind: Int32(EK_ACT_SIGMOID.rawValue), alpha: 0, beta: 0)
        case .tanh: ek_activation(kind: Int32(EK_ACT_TANH.rawValue), alpha: 0, beta: 0)
        }
    }

    /// Set by `TrainGraph` when the producing batch norm already applied this activation: forward and
    /// backward pass their input through (the batch norm's backward applies the gate).
    var fusedIntoInput = false

    /// The clamp range of a ReLU or ReLU6 (nil for other kinds: they are not fused).
    var clampRange: (lo: Float, hi: Float)? {
        switch kind {
        case .relu: (0, .infinity)
        case .relu6: (0, 6)
        default: nil
        }
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        if fusedIntoInput { return inputs[0] }
        var y = TTensor(uninitializedShape: inputs[0].shape)
        let act = kernel
        inputs[0].data.withUnsafeBufferPointer { x in
            y.data.withUnsafeMutableBufferPointer { p in
                ctx.pool.parallelSlices(p.count) { lo, hi in ek_activation_apply(x.baseAddress! + lo, p.baseAddress! + lo, hi - lo, act) }
            }
        }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        if fusedIntoInput { return [dy] }
        var dx = TTensor(uninitializedShape: dy.shape)
        let act = kernel
        inputs[0].data.withUnsafeBufferPointer { x in
            output.data.withUnsafeBufferPointer { y in
                dy.data.withUnsafeBufferPointer { g in
                    dx.data.withUnsafeMutableBufferPointer { d in
                        ctx.pool.parallelSlices(d.count) { lo, hi in
                            // Every ActivationKind maps to a kind the kernel implements, with x and y given.
                            let status = ek_activation_backward(x.baseAddress! + lo, y.baseAddress! + lo, g.baseAddress! + lo, d.baseAddress! + lo, hi - lo, act)
                            precondition(status == 0, "ek_activation_backward rejected \(act.kind)")
                        }
                    }
                }
            }
        }
        return [dx]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        switch kind {
        case .relu: graph.node("Relu", name: name, inputs: inputs, output: output)
        case .relu6:
            let lo = graph.constant("\(name).min", shape: [], values: [0])
            let hi = graph.constant("\(name).max", shape: [], values: [6])
            graph.node("Clip", name: name, inputs: [inputs[0], lo, hi], output: output)
        case .hardSwish: graph.node("HardSwish", name: name, inputs: inputs, output: output)
        case .sigmoid: graph.node("Sigmoid", name: name, inputs: inputs, output: output)
        case .tanh: graph.node("Tanh", name: name, inputs: inputs, output: output)
        }
    }
}

