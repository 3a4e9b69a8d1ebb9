import CEdgeKernels

/// ONNX Gemm: Y = act(alpha · op(A) · op(B) + beta · C), A and B 2-D float32, C optional and
/// unidirectionally broadcast to [M, N] (scalar, row [N]/[1,N], column [M,1] or full).
///
/// A constant B is packed once (already scaled by alpha). C is handed to the kernel as a
/// per-column/per-row bias when that is exact (beta = 1, vector C); otherwise beta·C is
/// written into Y first and the kernel accumulates onto it. Only alpha ≠ 1 with a runtime B
/// takes a scalar post-pass. A constant B that is at least half zeros (unstructured pruning)
/// runs on the CSR kernel as Yᵀ = op(B)ᵀ · Aᵀ (`SparseWeights`; A and Y are transposed through
/// scratch unless M = 1) when C is absent or a per-column bias.
enum GemmOp: OpDefinition {
    static let opTypes = ["Gemm"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let a = try ctx.input(0, oneOf: [.float32]), b = try ctx.input(1, oneOf: [.float32])
        guard a.rank == 2, b.rank == 2 else { throw ctx.fail("A \(a.shape) and B \(b.shape) must be 2-D") }
        let attrs = ctx.attributes
        let transA = try attrs.int("transA", default: 0) != 0, transB = try attrs.int("transB", default: 0) != 0
        let alpha = try attrs.float("alpha", default: 1), beta = try attrs.float("beta", default: 1)
        let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
        let kb = transB ? b.shape[1] : b.shape[0], n = transB ? b.shape[0] : b.shape[1]
        guard k == kb else { throw ctx.fail("inner dimensions differ: op(A) is [\(m), \(k)], op(B) is [\(kb), \(n)]") }
        let act = try FusedActivation.attached(to: ctx.node).kernelValue
        let pool = ctx.options.pool
        let lda = a.shape[1], ldb = b.shape[1]
        let outType = TensorType(.float32, [m, n])

        // C as (row stride, column stride) over [M, N]; 0 on broadcast axes.
        var cStrides: (row: Int, col: Int)? = nil
        if ctx.hasInput(2), beta != 0 {
            let c = try ctx.input(2, oneOf: [.float32])
            let padded = [Int](repeating: 1, count: max(0, 2 - c.rank)) + c.shape
            guard c.rank <= 2, padded[0] == 1 || padded[0] == m, padded[1] == 1 || padded[1] == n else {
                throw ctx.fail("C \(c.shape) cannot be broadcast to [\(m), \(n)]")
            }
            cStrides = (padded[0] == 1 ? 0 : padded[1], padded[1] == 1 ? 0 : 1)
        }
        // Bias mode when C can go to the kernel as is.
        var biasMode = EK_BIAS_NONE
        if let s = cStrides, beta == 1 {
            if s.row == 0 && s.col == 1 { biasMode = EK_BIAS_PER_COL }
            else if s.col == 0 && s.row == 1 && n > 0 { biasMode = EK_BIAS_PER_ROW }
        }
        let prefillC = cStrides != nil && biasMode == EK_BIAS_NONE
        let mode = Int32(biasMode.rawValue)

        // The packed-B kernel reads A untransposed, so only A without transA uses it.
        var packed: PackedMatrices? = nil
        if let bConst = ctx.constant(1), !transA {
            let src = alpha == 1 ? bConst : scaled(bConst, by: alpha)
            packed = withExtendedLifetime(src) {
                PackedMatrices.rightOperands(count: 1, k: k, n: n, transposed: transB, ldb: ldb) { _ in src.floatPointer }
            }
        }
        if let bConst = ctx.constant(1), !transA, !prefillC, biasMode != EK_BIAS_PER_ROW,
           let sparse = SparseWeights.gemmRightOperand(bConst, k: k, n: n, transposed: transB, alpha: alpha) {
            return sparseGemm(sparse, m: m, n: n, k: k, hasBias: biasMode == EK_BIAS_PER_COL, act: act, pool: pool)
        }
        // alpha ≠ 1 with a runtime B: plain product first, then alpha, beta·C and act in a pass.
        let postScale = alpha != 1 && packed == nil
        let kernelAct = postScale ? FusedActivation.none.kernelValue : act
        let kernelBeta: Float = prefillC && !postScale ? 1 : 0
        let kernelBiasMode = postScale ? Int32(EK_BIAS_NONE.rawValue) : mode

        return Prepared(outputTypes: [outType]) { io in
            let y = io.outputFloats(0)
            let c: UnsafePointer<Float>? = cStrides == nil ? nil : io.floats(2)
            if kernelBeta != 0, let c, let s = cStrides {
                for i in 0..<m { for j in 0..<n { y[i * n + j] = beta * c[i * s.row + j * s.col] } }
            }
            let bias = kernelBiasMode == Int32(EK_BIAS_NONE.rawValue) ? nil : c
            if let packed {
                ek_sgemm_packed_b(Int64(m), Int64(n), Int64(k), io.floats(0), Int64(lda), packed.pointer(0),
                                  kernelBeta, y, Int64(n), bias, kernelBiasMode, kernelAct, pool)
            } else {
                ek_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int64(m), Int64(n), Int64(k), io.floats(0), Int64(lda),
                         io.floats(1), Int64(ldb), kernelBeta, y, Int64(n), bias, kernelBiasMode, kernelAct, pool)
            }
            if postScale {
                for i in 0..<m {
                    for j in 0..<n {
                        var v = alpha * y[i * n + j]
                        if let c, let s = cStrides { v += beta * c[i * s.row + j * s.col] }
                        y[i * n + j] = v
                    }
                }
                ek_activation_apply(y, y, m * n, act)
            }
        }
    }

    /// Y[M, N] = act(A[M, K] · Wᵀ + bias) with W = op(B)ᵀ [N, K] in CSR: the kernel computes
    /// Yᵀ = W · Aᵀ, so A and Y go through scratch transposes (free views when M = 1).
    private static func sparseGemm(_ sparse: SparseWeights, m: Int, n: Int, k: Int, hasBias: Bool,
                                   act: ek_activation, pool: OpaquePointer?) -> Prepared {
        let scratch = m == 1 ? 0 : (k * m + n * m) * MemoryLayout<Float>.size
        return Prepared(outputTypes: [TensorType(.float32, [m, n])], scratchBytes: scratch) { io in
            let a = io.floats(0), y = io.outputFloats(0)
            let bias: UnsafePointer<Float>? = hasBias ? io.floats(2) : nil
            // Cannot fail: packed for exactly these dimensions.
            if let s = io.scratch?.assumingMemoryBound(to: Float.self) {
                let xT = s, yT = s + k * m
                transposeMatrix(a, xT, rows: m, cols: k)
                _ = ek_spgemm(Int64(n), Int64(m), Int64(k), sparse.pointer(0), xT, Int64(m), yT, Int64(m), bias, act, pool)
                transposeMatrix(yT, y, rows: n, cols: m)
            } else {
                _ = ek_spgemm(Int64(n), Int64(m), Int64(k), sparse.pointer(0), a, Int64(m), y, Int64(m), bias, act, pool)
            }
        }
    }

    /// A copy of float tensor `t` multiplied by `s`.
    private static func scaled(_ t: Tensor, by s: Float) -> Tensor {
        let out = t.copy()
        let p = out.storage.bytes.assumingMemoryBound(to: Float.self)
        for i in 0..<out.count { p[i] *= s }
        return out
    }
}
