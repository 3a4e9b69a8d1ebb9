import CEdgeKernels
import EdgeRuntime

/// Pointwise activations with their derivatives.
public enum ActivationKind: String, Sendable, CaseIterable {
    case relu, relu6, hardSwish = "hardswish", sigmoid, tanh

    func apply(_ x: Float) -> Float {
        switch self {
        case .relu: max(x, 0)
        case .relu6: min(max(x, 0), 6)
        case .hardSwish: x * min(max(x / 6 + 0.5, 0), 1)
        case .sigmoid: 1 / (1 + expf(-x))
        case .tanh: tanhf(x)
        }
    }

    /// dy/dx from the input x and the output y.
    func derivative(x: Float, y: Float) -> Float {
        switch self {
        case .relu: x > 0 ? 1 : 0
        case .relu6: x > 0 && x < 6 ? 1 : 0
        case .hardSwish: x <= -3 ? 0 : (x >= 3 ? 1 : x / 3 + 0.5)
        case .sigmoid: y * (1 - y)
        case .tanh: 1 - y * y
        }
    }
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

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        var y = TTensor(shape: inputs[0].shape)
        inputs[0].data.withUnsafeBufferPointer { x in
            y.data.withUnsafeMutableBufferPointer { p in ek_activation_apply(x.baseAddress!, p.baseAddress!, p.count, kernel) }
        }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        var dx = dy
        let k = kind
        inputs[0].data.withUnsafeBufferPointer { x in
            output.data.withUnsafeBufferPointer { y in
                dx.data.withUnsafeMutableBufferPointer { d in
                    // One loop per kind so each vectorises (no switch per element).
                    switch k {
                    case .relu: Self.gate(x.baseAddress!, d.baseAddress!, d.count, lo: 0, hi: .infinity)
                    case .relu6: Self.gate(x.baseAddress!, d.baseAddress!, d.count, lo: 0, hi: 6)
                    case .sigmoid: for i in 0..<d.count { d[i] *= y[i] * (1 - y[i]) }
                    case .tanh: for i in 0..<d.count { d[i] *= 1 - y[i] * y[i] }
                    case .hardSwish: for i in 0..<d.count { d[i] *= k.derivative(x: x[i], y: y[i]) }
                    }
                }
            }
        }
        return [dx]
    }

    /// d[i] = lo < x[i] < hi ? d[i] : 0, sixteen lanes at a time (a scalar select loop does not vectorise).
    static func gate(_ x: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ n: Int, lo: Float, hi: Float) {
        var i = 0
        while i + 16 <= n {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            var dv = UnsafeRawPointer(d + i).loadUnaligned(as: SIMD16<Float>.self)
            dv.replace(with: 0, where: (xv .<= lo) .| (xv .>= hi))
            UnsafeMutableRawPointer(d + i).storeBytes(of: dv, as: SIMD16<Float>.self)
            i += 16
        }
        while i < n { if !(x[i] > lo && x[i] < hi) { d[i] = 0 }; i += 1 }
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

#if canImport(Glibc)
import Glibc
#endif
