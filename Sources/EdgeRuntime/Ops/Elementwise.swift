import CEdgeKernels
#if canImport(Glibc)
import Glibc
#endif

/// Float activations that map onto a fused kernel activation (and so can be fused into a
/// preceding Conv/Gemm/MatMul by `GraphOptimizer`).
enum ActivationOps: OpDefinition {
    static let opTypes = ["Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32])
        let act = try FusedActivation.from(node: ctx.node, constants: ctx.constants)
        let n = x.count
        let kernelAct = act.kernelValue
        return Prepared(outputTypes: [x]) { io in
            ek_activation_apply(io.floats(0), io.outputFloats(0), n, kernelAct)
        }
    }
}

/// Unary float ops computed element by element in Swift (not fusable).
enum UnaryMathOps: OpDefinition {
    static let opTypes = ["Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil",
                          "Elu", "Selu", "Softplus", "Softsign", "Sin", "Cos", "Erf", "Not", "Sign"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let a = ctx.attributes
        let op = ctx.node.op
        if op == "Not" {
            let x = try ctx.input(0, oneOf: [.bool])
            let n = x.count
            return Prepared(outputTypes: [x]) { io in
                let src = io.input(0).assumingMemoryBound(to: UInt8.self)
                let dst = io.output(0).assumingMemoryBound(to: UInt8.self)
                for i in 0..<n { dst[i] = src[i] == 0 ? 1 : 0 }
            }
        }
        if op == "Abs" || op == "Neg" || op == "Sign", let t = ctx.inputTypes.first ?? nil, t.dtype == .int64 || t.dtype == .int32 {
            return try integerUnary(ctx, t)
        }
        let x = try ctx.input(0, oneOf: [.float32])
        let n = x.count
        let f: (Float) -> Float
        switch op {
        case "Abs": f = { abs($0) }
        case "Neg": f = { -$0 }
        case "Exp": f = { expf($0) }
        case "Log": f = { logf($0) }
        case "Sqrt": f = { sqrtf($0) }
        case "Reciprocal": f = { 1 / $0 }
        case "Floor": f = { floorf($0) }
        case "Ceil": f = { ceilf($0) }
        case "Sin": f = { sinf($0) }
        case "Cos": f = { cosf($0) }
        case "Erf": f = { erff($0) }
        case "Sign": f = { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        case "Softsign": f = { $0 / (1 + abs($0)) }
        case "Softplus": f = { $0 > 20 ? $0 : log1pf(expf($0)) }
        case "Elu":
            let alpha = try a.float("alpha", default: 1)
            f = { $0 >= 0 ? $0 : alpha * (expf($0) - 1) }
        case "Selu":
            let alpha = try a.float("alpha", default: 1.67326319217681884765625)
            let gamma = try a.float("gamma", default: 1.05070102214813232421875)
            f = { $0 > 0 ? gamma * $0 : gamma * (alpha * expf($0) - alpha) }
        default:
            throw ctx.fail("not a unary op")
        }
        return Prepared(outputTypes: [x]) { io in
            let src = io.floats(0)
            let dst = io.outputFloats(0)
            for i in 0..<n { dst[i] = f(src[i]) }
        }
    }

    private static func integerUnary(_ ctx: PrepareContext, _ t: TensorType) throws(EdgeError) -> Prepared {
        let n = t.count
        let op = ctx.node.op
        func make<T: FixedWidthInteger & SignedInteger>(_: T.Type) -> Prepared {
            let f: (T) -> T = op == "Abs" ? { $0 < 0 ? 0 &- $0 : $0 } : op == "Neg" ? { 0 &- $0 } : { T($0.signum()) }
            return Prepared(outputTypes: [t]) { io in
                let src = io.input(0).assumingMemoryBound(to: T.self)
                let dst = io.output(0).assumingMemoryBound(to: T.self)
                for i in 0..<n { dst[i] = f(src[i]) }
            }
        }
        return t.dtype == .int64 ? make(Int64.self) : make(Int32.self)
    }
}
