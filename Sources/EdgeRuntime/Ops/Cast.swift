/// Cast (attribute `to`) and CastLike (type of input 1) between float32, float64, float16,
/// the signed and unsigned integer types and bool.
///
/// Float → integer truncates toward zero; NaN becomes 0 and values beyond Int64 clamp before the
/// (wrapping, numpy-like) narrowing, so hostile data can never trap. Anything → bool is `!= 0`.
enum CastOps: OpDefinition {
    static let opTypes = ["Cast", "CastLike"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0)
        let target: DType
        if ctx.node.op == "CastLike" {
            target = try ctx.input(1).dtype
        } else {
            guard let code = try ctx.attributes.int("to") else { throw ctx.fail("missing attribute 'to'") }
            guard let t = UInt8(exactly: code).flatMap(DType.init(rawValue:)) else {
                throw EdgeError(.unsupported, "\(ctx.node.label): cast to ONNX type \(code) is not supported")
            }
            target = t
        }
        let out = TensorType(target, x.shape)
        if target == x.dtype {
            return .alias(input: 0, as: out)
        }
        let n = x.count
        let kernel = castKernel(from: x.dtype, to: target)
        return Prepared(outputTypes: [out]) { io in kernel(io.input(0), io.output(0), n) }
    }

    typealias Kernel = (UnsafeRawPointer, UnsafeMutableRawPointer, Int) -> Void

    private static func castKernel(from s: DType, to d: DType) -> Kernel {
        switch s {
        case .float32: return castKernel(Float.self, to: d)
        case .float64: return castKernel(Double.self, to: d)
        case .float16: return castKernel(Float16.self, to: d)
        case .int8: return castKernel(Int8.self, to: d)
        case .uint8: return castKernel(UInt8.self, to: d)
        case .int16: return castKernel(Int16.self, to: d)
        case .uint16: return castKernel(UInt16.self, to: d)
        case .int32: return castKernel(Int32.self, to: d)
        case .uint32: return castKernel(UInt32.self, to: d)
        case .int64: return castKernel(Int64.self, to: d)
        case .uint64: return castKernel(UInt64.self, to: d)
        case .bool: return castKernel(CastBool.self, to: d)
        }
    }

    private static func castKernel<S: CastScalar>(_: S.Type, to d: DType) -> Kernel {
        switch d {
        case .float32: return loop(S.self, Float.self)
        case .float64: return loop(S.self, Double.self)
        case .float16: return loop(S.self, Float16.self)
        case .int8: return loop(S.self, Int8.self)
        case .uint8: return loop(S.self, UInt8.self)
        case .int16: return loop(S.self, Int16.self)
        case .uint16: return loop(S.self, UInt16.self)
        case .int32: return loop(S.self, Int32.self)
        case .uint32: return loop(S.self, UInt32.self)
        case .int64: return loop(S.self, Int64.self)
        case .uint64: return loop(S.self, UInt64.self)
        case .bool: return loop(S.self, CastBool.self)
        }
    }

    private static func loop<S: CastScalar, D: CastScalar>(_: S.Type, _: D.Type) -> Kernel {
        { src, dst, n in
            let s = src.assumingMemoryBound(to: S.self)
            let o = dst.assumingMemoryBound(to: D.self)
            if S.isFloat && D.isFloat {
                for i in 0..<n { o[i] = D(castingDouble: s[i].asDouble) }
            } else {
                for i in 0..<n { o[i] = S.isFloat ? D(castingDouble: s[i].asDouble) : D(castingInt: s[i].asInt64) }
            }
        }
    }
}

/// A scalar Cast can read and write. Integers travel through Int64 (exact), floats through Double.
protocol CastScalar {
    static var isFloat: Bool { get }
    var asDouble: Double { get }
    var asInt64: Int64 { get }
    init(castingDouble v: Double)
    init(castingInt v: Int64)
}

extension CastScalar where Self: BinaryFloatingPoint {
    static var isFloat: Bool { true }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { Int64(clamping: self) }
    init(castingDouble v: Double) { self.init(v) }
    init(castingInt v: Int64) { self.init(v) }
}

extension CastScalar where Self: FixedWidthInteger {
    static var isFloat: Bool { false }
    var asDouble: Double { Double(self) }
    var asInt64: Int64 { Int64(truncatingIfNeeded: self) }
    init(castingDouble v: Double) { self.init(truncatingIfNeeded: Int64(clamping: v)) }
    init(castingInt v: Int64) { self.init(truncatingIfNeeded: v) }
}

extension Int64 {
    /// Truncates toward zero; NaN → 0, out-of-range → nearest bound (never traps).
    init<F: BinaryFloatingPoint>(clamping v: F) {
        if v.isNaN { self = 0 }
        else if v >= 9.2233720368547758e18 { self = .max }
        else if v <= -9.2233720368547758e18 { self = .min }
        else { self = Int64(v) }
    }
}

extension Float: CastScalar {}
extension Double: CastScalar {}
extension Float16: CastScalar {}
extension Int8: CastScalar {}
extension UInt8: CastScalar {}
extension Int16: CastScalar {}
extension UInt16: CastScalar {}
extension Int32: CastScalar {}
extension UInt32: CastScalar {}
extension Int64: CastScalar {}
extension UInt64: CastScalar {}

/// ONNX bool: one byte, 0 or 1.
struct CastBool: CastScalar {
    var raw: UInt8
    static var isFloat: Bool { false }
    var asDouble: Double { raw != 0 ? 1 : 0 }
    var asInt64: Int64 { raw != 0 ? 1 : 0 }
    init(castingDouble v: Double) { raw = v != 0 ? 1 : 0 }  // NaN != 0 → true, as in numpy
    init(castingInt v: Int64) { raw = v != 0 ? 1 : 0 }
}
