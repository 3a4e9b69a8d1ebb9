import CEdgeKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An activation applied element-wise to an op's output. Conv, ConvTranspose, Gemm and MatMul
/// nodes may carry one (attributes `activation`, `activation_alpha`, `activation_beta`), put
/// there by `GraphOptimizer` when it fuses a following activation node, so the kernel applies
/// it while the tile is still in registers.
public struct FusedActivation: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case none = "", relu = "Relu", clip = "Clip", leakyRelu = "LeakyRelu", sigmoid = "Sigmoid"
        case tanh = "Tanh", hardSigmoid = "HardSigmoid", hardSwish = "HardSwish"
    }

    public var kind: Kind
    public var alpha: Float
    public var beta: Float

    public static let none = FusedActivation(kind: .none, alpha: 0, beta: 0)

    public init(kind: Kind, alpha: Float = 0, beta: Float = 0) {
        self.kind = kind
        self.alpha = alpha
        self.beta = beta
    }

    /// The C kernels' description of this activation.
    public var kernelValue: ek_activation {
        let k: ek_activation_kind = switch kind {
        case .none: EK_ACT_NONE
        case .relu: EK_ACT_RELU
        case .clip: EK_ACT_CLIP
        case .leakyRelu: EK_ACT_LEAKY_RELU
        case .sigmoid: EK_ACT_SIGMOID
        case .tanh: EK_ACT_TANH
        case .hardSigmoid: EK_ACT_HARD_SIGMOID
        case .hardSwish: EK_ACT_HARD_SWISH
        }
        return ek_activation(kind: Int32(k.rawValue), alpha: alpha, beta: beta)
    }

    /// The activation an activation node computes (Relu, Clip with constant bounds, …).
    /// Throws for Clip whose bounds are not compile-time constants.
    static func from(node: Node, constants: [Tensor?]) throws(EdgeError) -> FusedActivation {
        let a = node.attributes
        switch node.op {
        case "Relu": return FusedActivation(kind: .relu)
        case "LeakyRelu": return FusedActivation(kind: .leakyRelu, alpha: try a.float("alpha", default: 0.01))
        case "Sigmoid": return FusedActivation(kind: .sigmoid)
        case "Tanh": return FusedActivation(kind: .tanh)
        case "HardSigmoid":
            return FusedActivation(kind: .hardSigmoid, alpha: try a.float("alpha", default: 0.2), beta: try a.float("beta", default: 0.5))
        case "HardSwish": return FusedActivation(kind: .hardSwish)
        case "Clip":
            func bound(_ i: Int, _ fallback: Float) throws(EdgeError) -> Float {
                guard i < node.inputs.count, !node.inputs[i].isEmpty else { return fallback }
                guard i < constants.count, let t = constants[i], t.count == 1 else {
                    throw EdgeError(.unsupported, "\(node.label): Clip bounds must be constant scalars")
                }
                return try t.floatValues()[0]
            }
            return FusedActivation(kind: .clip, alpha: try bound(1, -Float.greatestFiniteMagnitude),
                                   beta: try bound(2, Float.greatestFiniteMagnitude))
        default:
            throw EdgeError(.invalidGraph, "\(node.label) is not an activation")
        }
    }

    /// The fused activation stored on a Conv/Gemm/MatMul node (`.none` if absent).
    static func attached(to node: Node) throws(EdgeError) -> FusedActivation {
        let a = node.attributes
        guard let name = try a.string("activation"), !name.isEmpty else { return .none }
        guard let kind = Kind(rawValue: name) else {
            throw EdgeError(.invalidGraph, "\(node.label): unknown fused activation '\(name)'")
        }
        return FusedActivation(kind: kind, alpha: try a.float("activation_alpha", default: 0),
                               beta: try a.float("activation_beta", default: 0))
    }

    /// Attributes that record this activation on a fused node.
    var attributes: [String: Attribute] {
        ["activation": .string(kind.rawValue), "activation_alpha": .float(alpha), "activation_beta": .float(beta)]
    }

    /// Scalar reference, used where no kernel applies the activation.
    public func apply(_ x: Float) -> Float {
        switch kind {
        case .none: return x
        case .relu: return max(x, 0)
        case .clip: return min(max(x, alpha), beta)
        case .leakyRelu: return x < 0 ? alpha * x : x
        case .sigmoid: return 1 / (1 + expf(-x))
        case .tanh: return tanhf(x)
        case .hardSigmoid: return max(0, min(1, alpha * x + beta))
        case .hardSwish: return x * max(0, min(1, x / 6 + 0.5))
        }
    }
}

