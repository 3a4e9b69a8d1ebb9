import CEdgeKernels

/// Weight-only 4-bit blocks as ONNX Runtime's contrib ops store them (`bits` = 4): for each output
/// row n, ceil(K / block_size) blocks of block_size/2 bytes, element 2j in the low nibble and
/// 2j+1 in the high one, unsigned with zero point 8 (value = (u − 8) · scale[n, block]).
/// Shared by MatMulNBits and GatherBlockQuantized.
struct Int4Blocks {
    let rows: Int, columns: Int, blockSize: Int
    var blocks: Int { (columns + blockSize - 1) / blockSize }

    /// Validates the packed data [rows, blocks, blockSize/2] (or the same bytes as [rows, blocks·blockSize/2])
    /// and scales [rows · blocks] (any shape with that count), and that zero points, if given, are all 8.
    init(_ ctx: PrepareContext, data: Tensor, scales: Tensor, zeroPoints: Tensor?, rows: Int, columns: Int) throws(EdgeError) {
        let bits = try ctx.attributes.int("bits", default: 4)
        guard bits == 4 else { throw EdgeError(.unsupported, "\(ctx.node.label): only bits = 4 is supported, got \(bits)") }
        let block = try ctx.attributes.int("block_size", default: 0)
        guard block >= 16, block & (block - 1) == 0 else { throw ctx.fail("block_size must be a power of two ≥ 16, got \(block)") }
        (self.rows, self.columns, blockSize) = (rows, columns, block)
        guard rows > 0, columns > 0 else { throw ctx.fail("empty quantized weight (\(rows) × \(columns))") }
        guard data.dtype == .uint8, data.count == rows * blocks * block / 2 else {
            throw ctx.fail("packed data must be uint8 with \(rows) × \(blocks) × \(block / 2) bytes, got \(data.dtype)\(data.shape)")
        }
        guard scales.dtype == .float32, scales.count == rows * blocks else {
            throw ctx.fail("scales must be float32 with \(rows) × \(blocks) values, got \(scales.dtype)\(scales.shape)")
        }
        for s in scales.scalars(as: Float.self) where !s.isFinite { throw ctx.fail("scale \(s) is not finite") }
        if let z = zeroPoints {
            // Two 4-bit zero points per byte; only the symmetric default (8) maps onto the int4 kernels.
            guard z.dtype == .uint8, z.scalars(as: UInt8.self).allSatisfy({ $0 == 0x88 || $0 == 0x08 }) else {
                throw EdgeError(.unsupported, "\(ctx.node.label): only the symmetric zero point 8 is supported")
            }
        }
    }

    /// Signed int4 values [rows, columns] (row-major), from the packed unsigned nibbles.
    func signedValues(_ data: Tensor) -> [Int8] {
        let bytes = data.scalars(as: UInt8.self), rowBytes = blocks * blockSize / 2
        var q = [Int8](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                let b = bytes[r * rowBytes + c / 2]
                q[r * columns + c] = Int8(c % 2 == 0 ? b & 0x0F : b >> 4) - 8
            }
        }
        return q
    }
}

/// ONNX Runtime's MatMulNBits (com.microsoft; 4-bit, symmetric): Y[..., N] = A[..., K] · Bᵀ with
/// B [N, K] stored as `Int4Blocks`, + bias [N] (input #5). The weights are repacked once for the
/// int4 weight-only GEMM (`ek_q4gemm`: groups of block_size along K, unpacked in the kernel).
/// Written by `compress --method int4`; zero points other than 8, `g_idx` and bits ≠ 4 are rejected.
enum MatMulNBitsOp: OpDefinition {
    static let opTypes = ["MatMulNBits"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let a = try ctx.input(0, oneOf: [.float32])
        let k = try ctx.attributes.int("K", default: 0), n = try ctx.attributes.int("N", default: 0)
        guard a.rank >= 1, a.shape[a.rank - 1] == k else { throw ctx.fail("A \(a.shape) must end in K = \(k)") }
        guard !ctx.hasInput(4) else { throw EdgeError(.unsupported, "\(ctx.node.label): g_idx is not supported") }
        let blocks = try Int4Blocks(ctx, data: try ctx.requireConstant(1, "B"), scales: try ctx.requireConstant(2, "scales"),
                                    zeroPoints: ctx.hasInput(3) ? try ctx.requireConstant(3, "zero points") : nil, rows: n, columns: k)
        var bias: [Float]? = nil
        if ctx.hasInput(5) {
            let b = try ctx.requireConstant(5, "bias")
            guard b.dtype == .float32, b.count == n else { throw ctx.fail("bias must be float32 [\(n)], got \(b.dtype)\(b.shape)") }
            bias = b.scalars(as: Float.self)
        }
        let q = blocks.signedValues(try ctx.requireConstant(1, "B"))
        let scales = try ctx.requireConstant(2, "scales").scalars(as: Float.self)
        let packed = KernelBytes(count: Int(ek_q4gemm_packed_size(Int64(k), Int64(n), Int64(blocks.blockSize))))
        ek_q4gemm_pack(1, Int64(k), Int64(n), Int64(blocks.blockSize), q, Int64(k), scales, packed.bytes)
        let biasBytes = bias.map { b in FloatBuffer(b) }
        let rows = a.shape.dropLast().reduce(1, *)
        let out = TensorType(.float32, Array(a.shape.dropLast()) + [n])
        let pool = ctx.options.pool
        return Prepared(outputTypes: [out]) { io in
            // Cannot fail: shapes and the packed buffer were validated above.
            _ = ek_q4gemm(Int64(rows), Int64(n), Int64(k), io.floats(0), Int64(k), packed.bytes, io.outputFloats(0), Int64(n),
                          biasBytes?.floats, ek_activation(kind: Int32(EK_ACT_NONE.rawValue), alpha: 0, beta: 0), pool)
        }
    }
}

/// ONNX Runtime's GatherBlockQuantized (com.microsoft; 4-bit, gather_axis 0, quantize_axis last):
/// rows of a [R, D] embedding table stored as `Int4Blocks` gathered by int32/int64 indices and
/// dequantized by `ek_q4_rows_dequant`. Indices outside [−R, R) give zero rows, as in `GatherOp`.
enum GatherBlockQuantizedOp: OpDefinition {
    static let opTypes = ["GatherBlockQuantized"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let data = try ctx.requireConstant(0, "data"), indices = try ctx.input(1, oneOf: [.int64, .int32])
        guard try ctx.attributes.int("gather_axis", default: 0) == 0, data.shape.count == 2,
              try ctx.attributes.int("quantize_axis", default: 1) == 1 else {
            throw EdgeError(.unsupported, "\(ctx.node.label): only a 2-D table gathered on axis 0, quantized along axis 1")
        }
        let rows = data.shape[0], dim = data.shape[1] * 2
        let blocks = try Int4Blocks(ctx, data: data, scales: try ctx.requireConstant(2, "scales"),
                                    zeroPoints: ctx.hasInput(3) ? try ctx.requireConstant(3, "zero points") : nil, rows: rows, columns: dim)
        // Repack into the kernel's row layout: [float scale per group][nibbles, s4 two's complement].
        let g = blocks.blockSize, groups = blocks.blocks
        let rowBytes = Int(ek_q4_rows_size(1, Int64(dim), Int64(g)))
        let table = KernelBytes(count: rowBytes * rows)
        let q = blocks.signedValues(data), scales = try ctx.requireConstant(2, "scales").scalars(as: Float.self)
        for r in 0..<rows {
            let row = table.bytes + r * rowBytes
            for j in 0..<groups { row.storeBytes(of: scales[r * groups + j], toByteOffset: 4 * j, as: Float.self) }
            let nibbles = (row + 4 * groups).assumingMemoryBound(to: UInt8.self)
            for c in stride(from: 0, to: dim, by: 2) {
                nibbles[c / 2] = UInt8(bitPattern: q[r * dim + c]) & 0x0F | UInt8(bitPattern: q[r * dim + c + 1]) << 4
            }
        }
        let count = indices.count, wide = indices.dtype == .int64
        return Prepared(outputTypes: [TensorType(.float32, indices.shape + [dim])], scratchBytes: count * 8) { io in
            // Normalised copy of the indices (negative = from the end); an index out of range
            // gives a zero row, as Gather does (the kernel cannot throw at run time).
            let idx = io.scratch.unsafelyUnwrapped.assumingMemoryBound(to: Int64.self), src = io.input(1)
            for i in 0..<count {
                var v = wide ? src.load(fromByteOffset: i * 8, as: Int64.self) : Int64(src.load(fromByteOffset: i * 4, as: Int32.self))
                if v < 0 { v += Int64(rows) }
                idx[i] = v >= 0 && v < Int64(rows) ? v : -1
            }
            let out = io.outputFloats(0)
            for i in 0..<count {
                if idx[i] < 0 {
                    for d in 0..<dim { out[i * dim + d] = 0 }
                } else {
                    _ = ek_q4_rows_dequant(table.bytes, Int64(rows), Int64(dim), Int64(g), idx + i, 1, out + i * dim)
                }
            }
        }
    }
}

/// Floats at a fixed address for the lifetime of a prepared closure.
final class FloatBuffer: @unchecked Sendable {
    let storage: TensorStorage
    var floats: UnsafePointer<Float> { UnsafePointer(storage.bytes.assumingMemoryBound(to: Float.self)) }

    init(_ values: [Float]) {
        storage = TensorStorage(byteCount: max(values.count, 1) * 4)
        values.withUnsafeBytes { if let base = $0.baseAddress { storage.bytes.copyMemory(from: base, byteCount: $0.count) } }
    }
}
