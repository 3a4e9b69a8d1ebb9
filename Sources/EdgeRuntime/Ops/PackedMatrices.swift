import CEdgeKernels

/// Constant matrices packed once at prepare time into the SGEMM panel layout
/// (`ek_sgemm_pack_a` / `ek_sgemm_pack_b`), so every inference skips the packing step.
/// Run closures capture this value, which keeps the packed storage alive with the plan.
struct PackedMatrices: @unchecked Sendable {
    let storage: TensorStorage
    /// Byte offset of each packed matrix (64-byte aligned).
    let offsets: [Int]

    /// Packed matrix `i`.
    @inline(__always) func pointer(_ i: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(storage.bytes + offsets[i])
    }

    private init(sizes: [Int]) {
        var offsets: [Int] = []
        var total = 0
        for s in sizes {
            offsets.append(total)
            total += (s + 63) & ~63
        }
        self.storage = TensorStorage(byteCount: max(total, 64))
        self.offsets = offsets
    }

    /// Packs `count` left operands op(A_i)[M, K]; `source(i)` points at A_i (row stride `lda`).
    static func leftOperands(count: Int, m: Int, k: Int, transposed: Bool, lda: Int,
                             source: (Int) -> UnsafePointer<Float>) -> PackedMatrices {
        let size = Int(ek_sgemm_packed_a_size(Int64(m), Int64(k)))
        let p = PackedMatrices(sizes: [Int](repeating: size, count: count))
        for i in 0..<count {
            ek_sgemm_pack_a(transposed ? 1 : 0, Int64(m), Int64(k), source(i), Int64(lda), p.storage.bytes + p.offsets[i])
        }
        return p
    }

    /// Packs `count` right operands op(B_i)[K, N]; `source(i)` points at B_i (row stride `ldb`).
    static func rightOperands(count: Int, k: Int, n: Int, transposed: Bool, ldb: Int,
                              source: (Int) -> UnsafePointer<Float>) -> PackedMatrices {
        let size = Int(ek_sgemm_packed_b_size(Int64(k), Int64(n)))
        let p = PackedMatrices(sizes: [Int](repeating: size, count: count))
        for i in 0..<count {
            ek_sgemm_pack_b(transposed ? 1 : 0, Int64(k), Int64(n), source(i), Int64(ldb), p.storage.bytes + p.offsets[i])
        }
        return p
    }
}

extension Tensor {
    /// Float elements of a float32 constant, for packing and precomputation at prepare time.
    var floatPointer: UnsafePointer<Float> {
        UnsafePointer(storage.bytes.assumingMemoryBound(to: Float.self))
    }
}
