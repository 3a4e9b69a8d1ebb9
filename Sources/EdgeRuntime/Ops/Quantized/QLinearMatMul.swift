import CEdgeKernels

/// ONNX QLinearMatMul on the int8 kernels: a [..., M, K] (uint8/int8, per-tensor) times a
/// constant 2-D b [K, N] (symmetric s8, per-tensor or per-column scale) → requantized y
/// [..., M, N]; all rows of a go through one `ek_qgemm_packed_b` call.
///
/// Engine extensions (written by `QDQFusion` for Gemm layers, lowered back to QDQ on export):
/// an optional int32 bias [N] as input #8 (scale a_scale · b_scale[n]) and a fused Relu/Clip.
/// Batched (rank > 2) or run-time b is unsupported; see `QLinearLayer` for the other requirements.
enum QLinearMatMulOp: OpDefinition {
    static let opTypes = ["QLinearMatMul"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let a = try ctx.input(0, oneOf: [.uint8, .int8]), b = try ctx.input(3, oneOf: [.uint8, .int8])
        guard a.rank >= 1 else { throw ctx.fail("a must have rank ≥ 1, got \(a.shape)") }
        guard b.rank == 2 else {
            throw EdgeError(.unsupported, "\(ctx.node.label): the int8 kernels need a 2-D b, got \(b.shape)")
        }
        let k = a.shape[a.rank - 1], n = b.shape[1]
        guard b.shape[0] == k else { throw ctx.fail("inner dimensions differ: \(a.shape) · \(b.shape)") }
        guard k <= Int(EK_QGEMM_MAX_K) else {
            throw EdgeError(.unsupported, "\(ctx.node.label): K = \(k) exceeds the int8 kernel limit \(EK_QGEMM_MAX_K)")
        }
        let layer = try QLinearLayer.read(ctx, channels: n)
        let rows = a.shape.dropLast().reduce(1, *)
        let outType = TensorType(layer.output.dtype, Array(a.shape.dropLast()) + [n])
        _ = try ShapeMath.elementCount(outType.shape)
        if rows == 0 || n == 0 { return Prepared(outputTypes: [outType]) { _ in } }

        let packed = KernelBytes(count: Int(ek_qgemm_packed_b_size(Int64(k), Int64(n))))
        let weights = KernelBytes(layer.weights)
        // `weights` is only read here: keep it alive across the C call that reads its bytes.
        withExtendedLifetime(weights) {
            ek_qgemm_pack_b(0, Int64(k), Int64(n), weights.int8, Int64(n), packed.bytes)
        }
        let requant = layer.requant, pool = ctx.options.pool
        let signedIn = layer.input == .int8, signedOut = layer.output == .int8
        let inputBytes = signedIn ? rows * k : 0
        return Prepared(outputTypes: [outType], scratchBytes: inputBytes) { io in
            var x = io.input(0).assumingMemoryBound(to: UInt8.self)
            if signedIn {
                let converted = io.scratch.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self)
                flipSignBit(x, converted, rows * k)
                x = UnsafePointer(converted)
            }
            let y = io.output(0).assumingMemoryBound(to: UInt8.self)
            var q = requant.stage()
            // Cannot fail: K and the packed buffer were validated at prepare.
            _ = ek_qgemm_packed_b(Int64(rows), Int64(n), Int64(k), x, Int64(k), packed.bytes, y, Int64(n),
                                  Int32(EK_QOUT_U8.rawValue), &q, pool)
            if signedOut { flipSignBit(y, y, rows * n) }
        }
    }
}
