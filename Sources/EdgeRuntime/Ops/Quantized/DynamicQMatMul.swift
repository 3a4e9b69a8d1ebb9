import CEdgeKernels

/// Engine-internal op written by `QDQDynamic`: y[..., N] = x[..., K] · dequant(w) + bias with x
/// float, quantized per call to uint8 from its own min/max (`ek_quantize_u8_dynamic`: the
/// DynamicQuantizeLinear parameters), w constant int8 [K, N] symmetric with per-tensor or
/// per-column scales, bias float [N] (optional), one int8 GEMM with float output
/// (scale = x_scale · w_scale[n]). The exporter lowers it back to DynamicQuantizeLinear → DQ → MatMul.
enum DynamicQMatMulOp: OpDefinition {
    static let opTypes = ["DynamicQMatMul"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32])
        let w = try ctx.requireConstant(1, "weights"), ws = try ctx.requireConstant(2, "weight scale")
        guard w.dtype == .int8, w.shape.count == 2, x.rank >= 1, x.shape[x.rank - 1] == w.shape[0] else {
            throw ctx.fail("needs int8 weights [K, N] matching x \(x.shape), got \(w.dtype)\(w.shape)")
        }
        let k = w.shape[0], n = w.shape[1]
        guard k <= Int(EK_QGEMM_MAX_K) else { throw EdgeError(.unsupported, "\(ctx.node.label): K = \(k) exceeds \(EK_QGEMM_MAX_K)") }
        let p = try QuantParams.read(scale: ws, zero: nil, dtype: .int8, channels: n, what: "\(ctx.node.label): w")
        let scales = FloatBuffer((0..<n).map { p.scale($0) })
        var bias: FloatBuffer? = nil
        if ctx.hasInput(3) {
            let b = try ctx.requireConstant(3, "bias")
            guard b.dtype == .float32, b.count == n else { throw ctx.fail("bias must be float32 [\(n)], got \(b.dtype)\(b.shape)") }
            bias = FloatBuffer(b.scalars(as: Float.self))
        }
        let packed = KernelBytes(count: Int(ek_qgemm_packed_b_size(Int64(k), Int64(n))))
        withExtendedLifetime(w) {
            ek_qgemm_pack_b(0, Int64(k), Int64(n), w.rawPointer.assumingMemoryBound(to: Int8.self), Int64(n), packed.bytes)
        }
        let rows = x.shape.dropLast().reduce(1, *)
        let out = TensorType(.float32, Array(x.shape.dropLast()) + [n])
        if rows == 0 || n == 0 { return Prepared(outputTypes: [out]) { _ in } }
        let pool = ctx.options.pool
        return Prepared(outputTypes: [out], scratchBytes: rows * k) { io in
            let q = io.scratch.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self)
            var scale: Float = 0, zero: Int32 = 0
            ek_quantize_u8_dynamic(io.floats(0), Int64(rows), Int64(k), Int64(k), q, Int64(k), &scale, &zero)
            var stage = ek_qoutput(multiplier: scales.floats, bias_i32: nil, bias_f32: bias?.floats, scale: scale,
                                   a_zero_point: zero, out_zero_point: 0, qmin: 0, qmax: 255, act: FusedActivation.none.kernelValue)
            // Cannot fail: K and the packed buffer were validated above.
            _ = ek_qgemm_packed_b(Int64(rows), Int64(n), Int64(k), q, Int64(k), packed.bytes, io.output(0), Int64(n),
                                  Int32(EK_QOUT_F32.rawValue), &stage, pool)
        }
    }
}
