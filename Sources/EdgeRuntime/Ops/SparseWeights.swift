import CEdgeKernels

/// Constant weight matrices with enough zeros (unstructured pruning) packed once at prepare time
/// into the CSR form of `ek_spgemm`, so Conv and Gemm run Y = W·X over the nonzeros only.
/// Run closures capture this value, which keeps the packed storage alive with the plan.
struct SparseWeights: @unchecked Sendable {
    /// Fraction of zeros from which the sparse kernel beats the dense packed SGEMM. Measured in
    /// sparse.c (bench-qkernels, 1×1-conv shapes): CSR breaks even at 37–59 % sparsity, wins
    /// 1.4–2.2× at 70 %; below 50 % the dense path is kept.
    static let minimumSparsity = 0.5

    let storage: TensorStorage
    /// Byte offset of each packed matrix (64-byte aligned).
    let offsets: [Int]

    /// Packed matrix `i`.
    @inline(__always) func pointer(_ i: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(storage.bytes + offsets[i])
    }

    /// Packs `count` matrices W_i[M, K] (row stride `ldw`) if, taken together, at least
    /// `minimumSparsity` of their entries are exactly zero; nil otherwise (use the dense path).
    static func packIfSparse(count: Int, m: Int, k: Int, ldw: Int, source: (Int) -> UnsafePointer<Float>) -> SparseWeights? {
        let total = count * m * k
        guard total > 0, m <= Int(Int32.max), k <= Int(Int32.max) else { return nil }
        let nnz = (0..<count).map { Int(ek_spgemm_count(Int64(m), Int64(k), source($0), Int64(ldw), 0)) }
        let zeros = total - nnz.reduce(0, +)
        guard Double(zeros) >= minimumSparsity * Double(total), nnz.allSatisfy({ $0 <= Int(Int32.max) }) else { return nil }
        var offsets: [Int] = [], size = 0
        for n in nnz {
            offsets.append(size)
            size += (Int(ek_spgemm_packed_size(Int64(m), Int64(n))) + 63) & ~63
        }
        let storage = TensorStorage(byteCount: max(size, 64))
        for i in 0..<count {
            // Cannot fail: nnz was counted with the same threshold and dimensions.
            _ = ek_spgemm_pack(Int64(m), Int64(k), source(i), Int64(ldw), 0, Int64(nnz[i]), storage.bytes + offsets[i])
        }
        return SparseWeights(storage: storage, offsets: offsets)
    }

    /// Gemm's constant B as the sparse left operand W = op(B)ᵀ [N, K] (a transposed copy is made
    /// when B is stored [K, N]); nil when B is not sparse enough.
    static func gemmRightOperand(_ b: Tensor, k: Int, n: Int, transposed: Bool, alpha: Float) -> SparseWeights? {
        var rows = [Float](repeating: 0, count: n * k)
        let p = b.floatPointer
        for j in 0..<n {
            for i in 0..<k { rows[j * k + i] = alpha * (transposed ? p[j * k + i] : p[i * n + j]) }
        }
        return rows.withUnsafeBufferPointer { buf in
            packIfSparse(count: 1, m: n, k: k, ldw: k) { _ in buf.baseAddress! }
        }
    }
}

/// out[c·rows + r] = src[r·cols + c]: a [rows, cols] row-major matrix transposed.
@inline(__always)
func transposeMatrix(_ src: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
    for r in 0..<rows {
        for c in 0..<cols { out[c * rows + r] = src[r * cols + c] }
    }
}
