/// The model file's `csr` tensor encoding: a float32 tensor of shape [R, …] viewed as a matrix
/// [R, C] (C = product of the other dimensions) stored in compressed sparse rows, so pruned
/// weights take about 8 bytes per nonzero instead of 4 bytes per element.
///
/// Blob (little-endian, at a 64-byte aligned offset): `int32 rowPtr[R + 1]`, `int32 col[nnz]`,
/// `float32 value[nnz]`; the entry's `nnz` field gives the nonzero count. Readers validate every
/// index (rowPtr starts at 0, never decreases, ends at nnz; columns strictly increase within a
/// row and lie in [0, C)) and decode into a dense heap tensor at load: the kernels want dense
/// weights to pack from (ek_spgemm_pack re-derives its own CSR), so only the file shrinks.
enum CSREncoding {
    static let name = "csr"

    /// The matrix view [R, C] of a shape (rank-0 tensors are never sparse-encoded).
    static func matrix(_ shape: [Int]) -> (rows: Int, cols: Int)? {
        guard let rows = shape.first else { return nil }
        return (rows, shape.dropFirst().reduce(1, *))
    }

    static func byteCount(rows: Int, nnz: Int) -> Int { 4 * (rows + 1) + 8 * nnz }

    /// The CSR blob of a float32 tensor if it is smaller than the raw bytes by at least a
    /// quarter (otherwise raw is kept: dense files stay mappable in place).
    static func encode(_ t: Tensor) -> (nnz: Int, blob: Tensor)? {
        guard t.dtype == .float32, let (rows, cols) = matrix(t.shape), rows > 0, cols > 0,
              rows < Int(Int32.max), cols < Int(Int32.max), t.count < Int(Int32.max) else { return nil }
        let v = t.floatPointer
        var nnz = 0
        for i in 0..<t.count where v[i] != 0 || v[i].sign == .minus { nnz += 1 }
        let size = byteCount(rows: rows, nnz: nnz)
        guard size * 4 <= t.byteCount * 3 else { return nil }
        let blob = try! Tensor(zeros: .uint8, shape: [size])
        let p = blob.storage.bytes
        var at = 0
        p.storeBytes(of: Int32(0).littleEndian, toByteOffset: 0, as: Int32.self)
        let colBase = 4 * (rows + 1), valBase = colBase + 4 * nnz
        for r in 0..<rows {
            for c in 0..<cols {
                let x = v[r * cols + c]
                // -0.0 is kept so decoding is bit-exact.
                guard x != 0 || x.sign == .minus else { continue }
                p.storeBytes(of: Int32(c).littleEndian, toByteOffset: colBase + 4 * at, as: Int32.self)
                p.storeBytes(of: x.bitPattern.littleEndian, toByteOffset: valBase + 4 * at, as: UInt32.self)
                at += 1
            }
            p.storeBytes(of: Int32(at).littleEndian, toByteOffset: 4 * (r + 1), as: Int32.self)
        }
        return (nnz, blob)
    }

    /// Decodes and validates a CSR blob into a dense float32 tensor of `shape`.
    static func decode(name: String, shape: [Int], nnz: Int?, blob: UnsafeRawBufferPointer) throws(EdgeError) -> Tensor {
        guard let nnz else { throw .invalidModel("csr tensor '\(name)' has no nnz field") }
        guard let (rows, cols) = matrix(shape) else { throw .invalidModel("csr tensor '\(name)' must have rank ≥ 1") }
        let count = try ShapeMath.elementCount(shape)
        guard nnz >= 0, nnz <= count else { throw .invalidModel("csr tensor '\(name)' has nnz \(nnz) for \(count) elements") }
        guard blob.count == byteCount(rows: rows, nnz: nnz) else {
            throw .invalidModel("csr tensor '\(name)' is \(blob.count) bytes, \(rows) rows and \(nnz) nonzeros need \(byteCount(rows: rows, nnz: nnz))")
        }
        func i32(_ at: Int) -> Int { Int(Int32(littleEndian: blob.loadUnaligned(fromByteOffset: at, as: Int32.self))) }
        let out = try Tensor(zeros: .float32, shape: shape)
        let dst = out.storage.bytes.assumingMemoryBound(to: Float.self)
        let colBase = 4 * (rows + 1), valBase = colBase + 4 * nnz
        guard i32(0) == 0 else { throw .invalidModel("csr tensor '\(name)': row pointer 0 is \(i32(0)), must be 0") }
        for r in 0..<rows {
            let start = i32(4 * r), end = i32(4 * (r + 1))
            guard end >= start, end <= nnz else {
                throw .invalidModel("csr tensor '\(name)': row pointers \(start)…\(end) of row \(r) are not ascending within [0, \(nnz)]")
            }
            var previous = -1
            for at in start..<end {
                let c = i32(colBase + 4 * at)
                guard c > previous, c < cols else {
                    throw .invalidModel("csr tensor '\(name)': column \(c) in row \(r) is out of range [0, \(cols)) or not ascending")
                }
                previous = c
                let bits = UInt32(littleEndian: blob.loadUnaligned(fromByteOffset: valBase + 4 * at, as: UInt32.self))
                dst[r * cols + c] = Float(bitPattern: bits)
            }
        }
        guard rows == 0 || i32(4 * rows) == nnz else {
            throw .invalidModel("csr tensor '\(name)': last row pointer \(i32(4 * rows)) is not nnz \(nnz)")
        }
        return out
    }
}
