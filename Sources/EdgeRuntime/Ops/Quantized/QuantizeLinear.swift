import CEdgeKernels

/// How per-tensor or per-axis parameters map onto a tensor viewed as [outer, channels, inner]:
/// element (o, c, i) uses parameter c (or parameter 0 when per-tensor: channels = 1).
struct AxisLayout: Sendable {
    var outer: Int, channels: Int, inner: Int
    var perAxis: Bool

    init(outer: Int, channels: Int, inner: Int, perAxis: Bool) {
        (self.outer, self.channels, self.inner, self.perAxis) = (outer, channels, inner, perAxis)
    }

    /// Validates the scale (and zero point) types of a QuantizeLinear/DequantizeLinear node with
    /// data input `x` and parameter inputs 1 (scale) and 2 (zero point, optional).
    init(_ ctx: PrepareContext, x: TensorType, quantized: DType) throws(EdgeError) {
        if try ctx.attributes.int("block_size", default: 0) != 0 {
            throw EdgeError(.unsupported, "\(ctx.node.label): blocked quantization (block_size) is not supported")
        }
        let scale = try ctx.input(1, oneOf: [.float32])
        if ctx.hasInput(2) {
            let z = try ctx.input(2)
            guard z.dtype == quantized else { throw ctx.fail("zero point is \(z.dtype), expected \(quantized)") }
            guard z.shape == scale.shape else { throw ctx.fail("zero point shape \(z.shape) differs from scale shape \(scale.shape)") }
        }
        let count = x.count
        if scale.rank == 0 || (scale.rank == 1 && scale.shape[0] == 1 && x.rank == 0) {
            self = AxisLayout(outer: 1, channels: 1, inner: count, perAxis: false)
        } else {
            guard scale.rank == 1, x.rank >= 1 else {
                throw ctx.fail("scale of shape \(scale.shape) must be a scalar or 1-D (per axis)")
            }
            let axis = try ctx.axisAttribute(default: 1, rank: x.rank)
            if scale.shape[0] == 1 && x.shape[axis] != 1 {
                self = AxisLayout(outer: 1, channels: 1, inner: count, perAxis: false)
            } else {
                guard scale.shape[0] == x.shape[axis] else {
                    throw ctx.fail("per-axis scale has \(scale.shape[0]) values, axis \(axis) of \(x.shape) has \(x.shape[axis])")
                }
                self = AxisLayout(outer: x.shape.product(0..<axis), channels: x.shape[axis],
                                  inner: x.shape.product((axis + 1)..<x.rank), perAxis: true)
            }
        }
        if let s = ctx.constant(1) {
            for v in s.scalars(as: Float.self) where !(v.isFinite && v > 0) {
                throw ctx.fail("scale \(v) must be positive and finite")
            }
        }
    }
}

/// ONNX QuantizeLinear (opset 21 semantics): y = saturate(round_half_even(x / y_scale) + y_zero_point),
/// float32 x, uint8 or int8 y (type of the zero point, else `output_dtype`, default uint8),
/// per-tensor or per-axis (`axis`) parameters, which may be run-time values. Blocked quantization
/// (`block_size`) and 4/16-bit and float8 outputs are rejected with `unsupported`.
/// Divides (not multiplies by 1/scale) exactly as the spec states, so results match ONNX Runtime.
enum QuantizeLinearOp: OpDefinition {
    static let opTypes = ["QuantizeLinear"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32])
        var dtype = DType.uint8
        if ctx.hasInput(2) {
            dtype = try ctx.input(2).dtype
        } else if let code = try ctx.attributes.int("output_dtype"), code != 0 {
            guard let d = DType(rawValue: UInt8(clamping: code)) else { throw ctx.fail("unknown output_dtype \(code)") }
            dtype = d
        }
        let storage = try ActivationStorage(dtype, what: "\(ctx.node.label): output type")
        let layout = try AxisLayout(ctx, x: x, quantized: dtype)
        let hasZero = ctx.hasInput(2)
        let (lo, hi): (Float, Float) = storage == .uint8 ? (0, 255) : (-128, 127)
        return Prepared(outputTypes: [TensorType(dtype, x.shape)]) { io in
            let src = io.floats(0), scale = io.floats(1)
            let y = io.output(0).assumingMemoryBound(to: UInt8.self)
            let zp = hasZero ? io.input(2).assumingMemoryBound(to: UInt8.self) : nil
            var p = 0
            for _ in 0..<layout.outer {
                for c in 0..<layout.channels {
                    let s = scale[layout.perAxis ? c : 0]
                    var z: Float = 0
                    if let zp { z = storage == .uint8 ? Float(zp[layout.perAxis ? c : 0]) : Float(Int8(bitPattern: zp[layout.perAxis ? c : 0])) }
                    quantizeRow(src + p, y + p, layout.inner, s, z, lo, hi)
                    p += layout.inner
                }
            }
        }
    }

    /// One run of elements sharing scale and zero point: `ek_quantize_linear` (the C kernels, bit-exact
    /// across ISAs): q = x / scale (division, as the spec states) clamped to ±2²² (NaN → lo),
    /// round-half-even, + zero point, clamp to [lo, hi]; the low byte is the uint8 / int8 result.
    @inline(__always)
    static func quantizeRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                            _ scale: Float, _ zero: Float, _ lo: Float, _ hi: Float) {
        ek_quantize_linear(x, y, n, scale, zero, lo, hi)
    }
}

/// ONNX DequantizeLinear (opset 21 semantics): y = (x - x_zero_point) · x_scale for uint8, int8
/// and int32 x (int32: bias tensors), per-tensor or per-axis; parameters may be run-time values.
enum DequantizeLinearOp: OpDefinition {
    static let opTypes = ["DequantizeLinear"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.uint8, .int8, .int32])
        let layout = try AxisLayout(ctx, x: x, quantized: x.dtype)
        let hasZero = ctx.hasInput(2), dtype = x.dtype
        return Prepared(outputTypes: [TensorType(.float32, x.shape)]) { io in
            let scale = io.floats(1), y = io.outputFloats(0)
            let zp: UnsafeRawPointer? = hasZero ? io.input(2) : nil
            var p = 0
            for _ in 0..<layout.outer {
                for c in 0..<layout.channels {
                    let k = layout.perAxis ? c : 0
                    let s = scale[k]
                    switch dtype {
                    case .uint8:
                        let z = Int32(zp?.load(fromByteOffset: k, as: UInt8.self) ?? 0)
                        ek_dequantize_linear(io.input(0).assumingMemoryBound(to: UInt8.self) + p, y + p, layout.inner, s, z, 0)
                    case .int8:
                        let z = Int32(zp?.load(fromByteOffset: k, as: Int8.self) ?? 0)
                        ek_dequantize_linear(io.input(0).assumingMemoryBound(to: UInt8.self) + p, y + p, layout.inner, s, z, 1)
                    default:
                        let z = Int64(zp?.load(fromByteOffset: 4 * k, as: Int32.self) ?? 0)
                        let src = io.input(0).assumingMemoryBound(to: Int32.self) + p
                        for i in 0..<layout.inner { y[p + i] = Float(Int64(src[i]) - z) * s }
                    }
                    p += layout.inner
                }
            }
        }
    }
}

/// ONNX DynamicQuantizeLinear: uint8 y with scale and zero point chosen from x's range (widened
/// to contain 0): scale = (max − min) / 255, zero point = saturate(round(−min / scale)),
/// y = saturate(round(x / scale) + zero point). An all-zero input gets scale 0 and y = 0, as in the spec.
enum DynamicQuantizeLinearOp: OpDefinition {
    static let opTypes = ["DynamicQuantizeLinear"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32])
        let n = x.count
        let types = [TensorType(.uint8, x.shape), TensorType(.float32, []), TensorType(.uint8, [])]
        return Prepared(outputTypes: types) { io in
            let src = io.floats(0)
            var lo: Float = 0, hi: Float = 0
            for i in 0..<n {
                let v = src[i]
                lo = v < lo ? v : lo
                hi = v > hi ? v : hi
            }
            let scale = (hi - lo) / 255
            let zf = scale > 0 ? (-lo / scale).rounded(.toNearestOrEven) : 0
            let z = zf > 0 ? (zf < 255 ? zf : 255) : 0
            let y = io.output(0).assumingMemoryBound(to: UInt8.self)
            if scale > 0 {
                QuantizeLinearOp.quantizeRow(src, y, n, scale, z, 0, 255)
            } else {
                for i in 0..<n { y[i] = 0 }
            }
            io.outputFloats(1).pointee = scale
            io.output(2).assumingMemoryBound(to: UInt8.self).pointee = UInt8(z)
        }
    }
}
