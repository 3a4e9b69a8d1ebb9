import CEdgeKernels

/// ONNX MatMul (numpy `matmul`, float32): 1-D operands are promoted to a row (A) or column
/// (B) and the added dimension removed from the result; leading dimensions broadcast.
/// Optional fused activation.
///
/// A constant B is packed once per distinct matrix. When B is one matrix shared by every
/// batch and A's batches are contiguous (the usual `[batch, seq, in] · [in, out]`), all of A's
/// rows go through one SGEMM call.
enum MatMulOp: OpDefinition {
    static let opTypes = ["MatMul"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let a = try ctx.input(0, oneOf: [.float32]), b = try ctx.input(1, oneOf: [.float32])
        guard a.rank >= 1, b.rank >= 1 else { throw ctx.fail("MatMul operands must have rank ≥ 1, got \(a.shape) and \(b.shape)") }
        let aShape = a.rank == 1 ? [1] + a.shape : a.shape
        let bShape = b.rank == 1 ? b.shape + [1] : b.shape
        let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1]
        let kb = bShape[bShape.count - 2], n = bShape[bShape.count - 1]
        guard k == kb else { throw ctx.fail("inner dimensions differ: \(a.shape) · \(b.shape)") }
        let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
        let batch: [Int]
        do { batch = try ShapeMath.broadcast(aBatch, bBatch) } catch {
            throw ctx.fail("batch dimensions of \(a.shape) and \(b.shape) cannot be broadcast")
        }
        var outShape = batch
        if a.rank > 1 { outShape.append(m) }
        if b.rank > 1 { outShape.append(n) }
        let outType = TensorType(.float32, outShape)
        _ = try ShapeMath.elementCount(outShape)
        let act = try FusedActivation.attached(to: ctx.node).kernelValue
        let pool = ctx.options.pool

        // Matrix index into A and B for each output batch (broadcast strides in matrices).
        let batchCount = batch.reduce(1, *)
        let aStrides = Broadcast.strides(aBatch, batch), bStrides = Broadcast.strides(bBatch, batch)
        var aIndex = [Int](repeating: 0, count: batchCount), bIndex = aIndex
        for i in 0..<batchCount {
            var rest = i
            for d in stride(from: batch.count - 1, through: 0, by: -1) {
                let idx = rest % batch[d]
                rest /= batch[d]
                aIndex[i] += idx * aStrides[d]
                bIndex[i] += idx * bStrides[d]
            }
        }
        let bMatrices = bBatch.reduce(1, *)
        let packed: PackedMatrices? = ctx.constant(1).map { t in
            PackedMatrices.rightOperands(count: bMatrices, k: k, n: n, transposed: false, ldb: n) { t.floatPointer + $0 * k * n }
        }
        // One tall product when every batch uses the same B and A's batches are laid out in order.
        let fold = bMatrices == 1 && aBatch.reduce(1, *) == batchCount
        let calls = batchCount == 0 ? 0 : (fold ? 1 : batchCount), rows = fold ? m * batchCount : m
        let none = Int32(EK_BIAS_NONE.rawValue)

        return Prepared(outputTypes: [outType]) { io in
            let x = io.floats(0), w = io.floats(1), y = io.outputFloats(0)
            for i in 0..<calls {
                let ap = x + aIndex[i] * m * k, yp = y + i * m * n
                if let packed {
                    ek_sgemm_packed_b(Int64(rows), Int64(n), Int64(k), ap, Int64(k), packed.pointer(bIndex[i]),
                                      0, yp, Int64(n), nil, none, act, pool)
                } else {
                    ek_sgemm(0, 0, Int64(rows), Int64(n), Int64(k), ap, Int64(k), w + bIndex[i] * k * n, Int64(n),
                             0, yp, Int64(n), nil, none, act, pool)
                }
            }
        }
    }
}
