#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gather along any axis with int32/int64 indices (negative = from the end). Any data dtype:
/// each index selects a block of `inner` contiguous elements, copied with `memcpy` (axis 0 is
/// the embedding-lookup case: one row copy per index).
///
/// Constant indices are validated at prepare time. An out-of-range index that arrives at run
/// time (the kernel cannot throw) produces a zero-filled block instead of reading out of bounds.
enum GatherOp: OpDefinition {
    static let opTypes = ["Gather"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let data = try ctx.input(0)
        let indices = try ctx.input(1, oneOf: [.int64, .int32])
        guard data.rank >= 1 else { throw ctx.fail("data must have rank >= 1") }
        let axis = try ctx.axisAttribute(default: 0, rank: data.rank)
        let axisDim = data.shape[axis]
        if let constant = ctx.constant(1) {
            for i in try constant.intValues() where i < -axisDim || i >= axisDim {
                throw ctx.fail("index \(i) out of range for axis \(axis) of size \(axisDim)")
            }
        }
        let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
        let outer = data.shape.product(0..<axis)
        let blockBytes = data.shape.product((axis + 1)..<data.rank) * data.dtype.byteSize
        let n = indices.count
        let wide = indices.dtype == .int64
        return Prepared(outputTypes: [TensorType(data.dtype, shape)]) { io in
            let src = io.input(0), idx = io.input(1)
            var dst = io.output(0)
            for o in 0..<outer {
                let slab = src + o * axisDim * blockBytes
                for j in 0..<n {
                    var i = wide ? Int(idx.load(fromByteOffset: j * 8, as: Int64.self))
                                 : Int(idx.load(fromByteOffset: j * 4, as: Int32.self))
                    if i < 0 { i += axisDim }
                    if i >= 0 && i < axisDim {
                        memcpy(dst, slab + i * blockBytes, blockBytes)
                    } else {
                        memset(dst, 0, blockBytes)
                    }
                    dst += blockBytes
                }
            }
        }
    }
}
