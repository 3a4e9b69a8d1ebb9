import Foundation

/// Element-wise binary ops with numpy broadcasting: arithmetic (float32, int32, int64) and
/// comparisons (→ bool).
enum BinaryOps: OpDefinition {
    static let opTypes = ["Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Mod"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let a = try ctx.input(0)
        let b = try ctx.input(1)
        let op = ctx.node.op
        guard a.dtype == b.dtype || op == "Pow" else {
            throw ctx.fail("inputs have different types \(a.dtype) and \(b.dtype)")
        }
        let shape = try ShapeMath.broadcast(a.shape, b.shape)
        let bc = Broadcast(a: a.shape, b: b.shape, out: shape)
        switch (a.dtype, op) {
        case (.float32, "Pow"):
            guard b.dtype == .float32 || b.dtype == .int64 || b.dtype == .int32 else { throw ctx.fail("unsupported exponent type \(b.dtype)") }
            if b.dtype == .float32 { return arithmetic(Float.self, bc, shape) { powf($0, $1) } }
            let exponentType = b.dtype
            return Prepared(outputTypes: [TensorType(.float32, shape)]) { io in
                let x = io.floats(0)
                let y = io.input(1)
                let out = io.outputFloats(0)
                bc.forEach { o, i, j in
                    let e = exponentType == .int64 ? Float(y.load(fromByteOffset: j * 8, as: Int64.self)) : Float(y.load(fromByteOffset: j * 4, as: Int32.self))
                    out[o] = powf(x[i], e)
                }
            }
        case (.float32, _): return try floatOp(ctx, op, bc, shape)
        case (.float64, _) where op != "Pow" || b.dtype == .float64: return try doubleOp(ctx, op, bc, shape)
        case (.int64, _): return try integerOp(Int64.self, ctx, op, bc, shape)
        case (.int32, _): return try integerOp(Int32.self, ctx, op, bc, shape)
        case (.bool, "And"): return logical(bc, shape) { $0 && $1 }
        case (.bool, "Or"): return logical(bc, shape) { $0 || $1 }
        case (.bool, "Xor"): return logical(bc, shape) { $0 != $1 }
        case (.bool, "Equal"): return logical(bc, shape) { $0 == $1 }
        default: throw EdgeError(.unsupported, "\(ctx.node.label): \(op) on \(a.dtype) is not supported")
        }
    }

    private static func floatOp(_ ctx: PrepareContext, _ op: String, _ bc: Broadcast, _ shape: [Int]) throws(EdgeError) -> Prepared {
        switch op {
        case "Add": return floatArithmetic(AddOp.self, bc, shape)
        case "Sub": return floatArithmetic(SubOp.self, bc, shape)
        case "Mul": return floatArithmetic(MulOp.self, bc, shape)
        case "Div": return floatArithmetic(DivOp.self, bc, shape)
        case "Mod":
            let fmod = try ctx.attributes.int("fmod", default: 0) != 0
            return arithmetic(Float.self, bc, shape) { x, y in
                let r = x.truncatingRemainder(dividingBy: y)
                return fmod || r == 0 || (r < 0) == (y < 0) ? r : r + y
            }
        default: return try comparison(Float.self, ctx, op, bc, shape)
        }
    }

    /// float64 graphs are rare (PyTorch exports of double tensors); plain loops suffice.
    private static func doubleOp(_ ctx: PrepareContext, _ op: String, _ bc: Broadcast, _ shape: [Int]) throws(EdgeError) -> Prepared {
        switch op {
        case "Add": return arithmetic(Double.self, bc, shape, +)
        case "Sub": return arithmetic(Double.self, bc, shape, -)
        case "Mul": return arithmetic(Double.self, bc, shape, *)
        case "Div": return arithmetic(Double.self, bc, shape, /)
        case "Pow": return arithmetic(Double.self, bc, shape) { Foundation.pow($0, $1) }
        default: return try comparison(Double.self, ctx, op, bc, shape)
        }
    }

    private static func integerOp<T: FixedWidthInteger & SignedInteger & TensorScalar>(_: T.Type, _ ctx: PrepareContext, _ op: String, _ bc: Broadcast, _ shape: [Int]) throws(EdgeError) -> Prepared {
        switch op {
        case "Add": return arithmetic(T.self, bc, shape, &+)
        case "Sub": return arithmetic(T.self, bc, shape, &-)
        case "Mul": return arithmetic(T.self, bc, shape, &*)
        // Integer division by zero has no defined result in ONNX; we return 0 instead of trapping.
        case "Div": return arithmetic(T.self, bc, shape) { $1 == 0 ? 0 : ($0 == T.min && $1 == -1 ? T.min : $0 / $1) }
        case "Mod":
            let fmod = try ctx.attributes.int("fmod", default: 0) != 0
            return arithmetic(T.self, bc, shape) { x, y in
                guard y != 0, !(x == T.min && y == -1) else { return 0 }
                let r = x % y
                return fmod || r == 0 || (r < 0) == (y < 0) ? r : r + y
            }
        default: return try comparison(T.self, ctx, op, bc, shape)
        }
    }

    /// Float Add/Sub/Mul/Div, specialised per operator so each row loop vectorises
    /// (a closure per element would not).
    private static func floatArithmetic<Op: FloatBinaryOp>(_: Op.Type, _ bc: Broadcast, _ shape: [Int]) -> Prepared {
        Prepared(outputTypes: [TensorType(.float32, shape)]) { io in
            let x = io.floats(0)
            let y = io.floats(1)
            let out = io.outputFloats(0)
            bc.forEachRow { o, ia, ib, n in
                // Rebased pointers indexed by the loop counter alone: no overflow-checked index
                // arithmetic in the loop body, so it vectorises.
                let xr = x + ia, yr = y + ib, or = out + o
                switch (bc.innerStrideA, bc.innerStrideB) {
                case (1, 1): for k in 0..<n { or[k] = Op.apply(xr[k], yr[k]) }
                case (1, 0):
                    let s = yr[0]
                    for k in 0..<n { or[k] = Op.apply(xr[k], s) }
                case (0, 1):
                    let s = xr[0]
                    for k in 0..<n { or[k] = Op.apply(s, yr[k]) }
                default:
                    let sa = bc.innerStrideA, sb = bc.innerStrideB
                    for k in 0..<n { or[k] = Op.apply(xr[k &* sa], yr[k &* sb]) }
                }
            }
        }
    }

    private static func arithmetic<T: TensorScalar>(_: T.Type, _ bc: Broadcast, _ shape: [Int], _ f: @escaping (T, T) -> T) -> Prepared {
        Prepared(outputTypes: [TensorType(T.dtype, shape)]) { io in
            let x = io.input(0).assumingMemoryBound(to: T.self)
            let y = io.input(1).assumingMemoryBound(to: T.self)
            let out = io.output(0).assumingMemoryBound(to: T.self)
            bc.forEach { o, i, j in out[o] = f(x[i], y[j]) }
        }
    }

    private static func comparison<T: Comparable & TensorScalar>(_: T.Type, _ ctx: PrepareContext, _ op: String, _ bc: Broadcast, _ shape: [Int]) throws(EdgeError) -> Prepared {
        let f: (T, T) -> Bool
        switch op {
        case "Equal": f = (==)
        case "Less": f = (<)
        case "Greater": f = (>)
        case "LessOrEqual": f = (<=)
        case "GreaterOrEqual": f = (>=)
        default: throw EdgeError(.unsupported, "\(ctx.node.label): \(op) on \(T.dtype) is not supported")
        }
        return Prepared(outputTypes: [TensorType(.bool, shape)]) { io in
            let x = io.input(0).assumingMemoryBound(to: T.self)
            let y = io.input(1).assumingMemoryBound(to: T.self)
            let out = io.output(0).assumingMemoryBound(to: UInt8.self)
            bc.forEach { o, i, j in out[o] = f(x[i], y[j]) ? 1 : 0 }
        }
    }

    private static func logical(_ bc: Broadcast, _ shape: [Int], _ f: @escaping (Bool, Bool) -> Bool) -> Prepared {
        Prepared(outputTypes: [TensorType(.bool, shape)]) { io in
            let x = io.input(0).assumingMemoryBound(to: UInt8.self)
            let y = io.input(1).assumingMemoryBound(to: UInt8.self)
            let out = io.output(0).assumingMemoryBound(to: UInt8.self)
            bc.forEach { o, i, j in out[o] = f(x[i] != 0, y[j] != 0) ? 1 : 0 }
        }
    }
}

/// A float operator the compiler can inline into a row loop.
protocol FloatBinaryOp { static func apply(_ a: Float, _ b: Float) -> Float }
enum AddOp: FloatBinaryOp { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b } }
enum SubOp: FloatBinaryOp { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b } }
enum MulOp: FloatBinaryOp { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b } }
enum DivOp: FloatBinaryOp { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b } }
