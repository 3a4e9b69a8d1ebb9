/// Internal op written by `QDQMul`: the float QDQ product
///     y = QuantizeLinear(DequantizeLinear(a) · DequantizeLinear(b))
/// with numpy broadcasting, 8-bit a, b, y and constant per-tensor parameters, computed in one pass
/// without float intermediate tensors. Inputs [a, a_scale, a_zero, b, b_scale, b_zero, y_scale, y_zero]
/// (the layout of com.microsoft's QLinearMul). Each operand is dequantized through a 256-entry float
/// table filled with DequantizeLinear's formula, the product is the same float multiplication and
/// the result goes through QuantizeLinear's rounding, so y equals the unfused graph's bit for bit.
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
        let ta = dequantizeTable(a.dtype, pa), tb = dequantizeTable(b.dtype, pb)
        let (lo, hi): (Float, Float) = zy.dtype == .uint8 ? (0, 255) : (-128, 127)
        let (ys, yz) = (py.scales[0], Float(py.zeroPoints[0]))
        let sa = bc.innerStrideA, sb = bc.innerStrideB
        return Prepared(outputTypes: [TensorType(zy.dtype, shape)], scratchBytes: chunk * 4) { io in
            let x = io.input(0).assumingMemoryBound(to: UInt8.self), w = io.input(3).assumingMemoryBound(to: UInt8.self)
            let y = io.output(0).assumingMemoryBound(to: UInt8.self)
            let tmp = io.scratch!.assumingMemoryBound(to: Float.self)
            ta.withUnsafeBufferPointer { da in
                tb.withUnsafeBufferPointer { db in
                    bc.forEachRow { o, ia, ib, n in
                        var k0 = 0
                        while k0 < n {
                            let m = min(chunk, n - k0)
                            for k in 0..<m { tmp[k] = da[Int(x[ia + (k0 + k) * sa])] * db[Int(w[ib + (k0 + k) * sb])] }
                            QuantizeLinearOp.quantizeRow(tmp, y + o + k0, m, ys, yz, lo, hi)
                            k0 += m
                        }
                    }
                }
            }
        }
    }

    /// DequantizeLinear of each byte value: Float(v - z) · s, exactly DequantizeLinearOp's formula.
    static func dequantizeTable(_ dtype: DType, _ p: QuantParams) -> [Float] {
        (0..<256).map { v in
            let value = dtype == .uint8 ? Int32(v) : Int32(Int8(truncatingIfNeeded: v))
            return Float(value - p.zeroPoints[0]) * p.scales[0]
        }
    }
}
