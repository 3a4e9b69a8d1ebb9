/// Internal op written by `QDQMul`: the float QDQ product
///     y = QuantizeLinear(DequantizeLinear(a) · DequantizeLinear(b))
/// with numpy broadcasting, 8-bit a, b, y and constant per-tensor parameters, computed in one pass
/// without float intermediate tensors. Inputs [a, a_scale, a_zero, b, b_scale, b_zero, y_scale, y_zero]
/// (the layout of com.microsoft's QLinearMul). Each operand is dequantized with DequantizeLinear's
/// formula Float(v - z) · s, the product is the same float multiplication and the result goes
/// through QuantizeLinear's rounding, so y equals the unfused graph's bit for bit.
enum QMulOp: OpDefinition {
    static let opTypes = ["QMul"]
    /// Elements per float staging chunk (scratch) between the product and the quantizer.
    static let chunk = 1024

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let a = try ctx.input(0, oneOf: [.uint8, .int8]), b = try ctx.input(3, oneOf: [.uint8, .int8])
        let pa = try ctx.quantParams(scale: 1, zero: 2, dtype: a.dtype, channels: nil, what: "a")
        let pb = try ctx.quantParams(scale: 4, zero: 5, dtype: b.dtype, channels: nil, what: "b")
        let zy = try ctx.requireConstant(7, "y zero point")
        guard zy.dtype == .uint8 || zy.dtype == .int8 else { throw ctx.fail("y zero point must be uint8 or int8, got \(zy.dtype)") }
        let py = try ctx.quantParams(scale: 6, zero: 7, dtype: zy.dtype, channels: nil, what: "y")
        let shape = try ShapeMath.broadcast(a.shape, b.shape)
        let bc = Broadcast(a: a.shape, b: b.shape, out: shape)
        let (lo, hi): (Float, Float) = zy.dtype == .uint8 ? (0, 255) : (-128, 127)
        let q = Params(sa: pa.scales[0], za: pa.zeroPoints[0], sb: pb.scales[0], zb: pb.zeroPoints[0],
                       sy: py.scales[0], zy: Float(py.zeroPoints[0]), lo: lo, hi: hi)
        let type = TensorType(zy.dtype, shape)
        switch (a.dtype, b.dtype) {
        case (.uint8, .uint8): return prepared(UInt8.self, UInt8.self, bc, q, type)
        case (.uint8, _): return prepared(UInt8.self, Int8.self, bc, q, type)
        case (_, .uint8): return prepared(Int8.self, UInt8.self, bc, q, type)
        default: return prepared(Int8.self, Int8.self, bc, q, type)
        }
    }

    private struct Params {
        var sa: Float, za: Int32, sb: Float, zb: Int32, sy: Float, zy: Float, lo: Float, hi: Float
    }

    /// The run closure for a of type A and b of type B. Rows where an operand is broadcast (inner
    /// stride 0) or contiguous get loops the compiler vectorizes; the product goes through a
    /// float chunk in scratch into QuantizeLinear's rounding.
    private static func prepared<A: FixedWidthInteger, B: FixedWidthInteger>(_: A.Type, _: B.Type, _ bc: Broadcast, _ q: Params,
                                                                           _ type: TensorType) -> Prepared {
        let sa = bc.innerStrideA, sb = bc.innerStrideB
        return Prepared(outputTypes: [type], scratchBytes: chunk * 4) { io in
            let x = io.input(0).assumingMemoryBound(to: A.self), w = io.input(3).assumingMemoryBound(to: B.self)
            let y = io.output(0).assumingMemoryBound(to: UInt8.self)
            let tmp = io.scratch!.assumingMemoryBound(to: Float.self)
            bc.forEachRow { o, ia, ib, n in
                var k0 = 0
                while k0 < n {
                    let m = min(chunk, n - k0)
                    let xa = x + ia + k0 * sa, wb = w + ib + k0 * sb
                    if sb == 0 {
                        let vb = Float(Int32(wb[0]) &- q.zb) * q.sb
                        if sa == 1 {
                            for k in 0..<m { tmp[k] = (Float(Int32(xa[k]) &- q.za) * q.sa) * vb }
                        } else {
                            for k in 0..<m { tmp[k] = (Float(Int32(xa[k * sa]) &- q.za) * q.sa) * vb }
                        }
                    } else if sa == 0 {
                        let va = Float(Int32(xa[0]) &- q.za) * q.sa
                        for k in 0..<m { tmp[k] = va * (Float(Int32(wb[k * sb]) &- q.zb) * q.sb) }
                    } else if sa == 1 && sb == 1 {
                        for k in 0..<m { tmp[k] = (Float(Int32(xa[k]) &- q.za) * q.sa) * (Float(Int32(wb[k]) &- q.zb) * q.sb) }
                    } else {
                        for k in 0..<m { tmp[k] = (Float(Int32(xa[k * sa]) &- q.za) * q.sa) * (Float(Int32(wb[k * sb]) &- q.zb) * q.sb) }
                    }
                    QuantizeLinearOp.quantizeRow(tmp, y + o + k0, m, q.sy, q.zy, q.lo, q.hi)
                    k0 += m
                }
            }
        }
    }
}
