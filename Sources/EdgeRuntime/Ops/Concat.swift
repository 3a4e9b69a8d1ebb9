#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Concat along `axis`: every input must match in dtype, rank and all other dimensions.
/// Any dtype; copies one contiguous chunk per input per outer index.
enum ConcatOp: OpDefinition {
    static let opTypes = ["Concat"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        guard ctx.inputCount >= 1 else { throw ctx.fail("needs at least one input") }
        let first = try ctx.input(0)
        guard first.rank >= 1 else { throw ctx.fail("inputs must have rank >= 1") }
        let axis = try ctx.axisAttribute(default: 0, rank: first.rank)
        var shape = first.shape
        shape[axis] = 0
        var chunkBytes: [Int] = []
        for i in 0..<ctx.inputCount {
            let t = try ctx.input(i)
            guard t.dtype == first.dtype else { throw ctx.fail("input #\(i) is \(t.dtype), input #0 is \(first.dtype)") }
            guard t.rank == first.rank else { throw ctx.fail("input #\(i) has rank \(t.rank), input #0 has rank \(first.rank)") }
            for d in 0..<t.rank where d != axis && t.shape[d] != first.shape[d] {
                throw ctx.fail("input #\(i) has shape \(t.shape), incompatible with \(first.shape) outside axis \(axis)")
            }
            shape[axis] += t.shape[axis]
            chunkBytes.append(t.shape.product(axis..<t.rank) * t.dtype.byteSize)
        }
        let outer = first.shape.product(0..<axis)
        let inputs = ctx.inputCount
        return Prepared(outputTypes: [TensorType(first.dtype, shape)]) { io in
            var dst = io.output(0)
            for o in 0..<outer {
                for i in 0..<inputs {
                    let bytes = chunkBytes[i]
                    memcpy(dst, io.input(i) + o * bytes, bytes)
                    dst += bytes
                }
            }
        }
    }
}
