#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Split along `axis` into parts given by the `split` input, or into `num_outputs` parts
/// (the last smaller when the size does not divide, opset 18), or equally into as many parts
/// as the node has outputs. Any dtype; unnamed optional outputs are not written.
enum SplitOp: OpDefinition {
    static let opTypes = ["Split"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0)
        guard x.rank >= 1 else { throw ctx.fail("input must have rank >= 1") }
        let axis = try ctx.axisAttribute(default: 0, rank: x.rank)
        let dim = x.shape[axis]
        let outputs = ctx.node.outputs.count
        var sizes: [Int]
        if let split = try ctx.optionalInts(1, "split") {
            sizes = split
            guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == dim else {
                throw ctx.fail("split \(split) does not add up to dimension \(dim)")
            }
        } else {
            let parts = try ctx.attributes.int("num_outputs") ?? outputs
            guard parts >= 1 else { throw ctx.fail("num_outputs must be >= 1, got \(parts)") }
            if ctx.attributes.has("num_outputs") {
                let chunk = (dim + parts - 1) / parts
                sizes = (0..<parts).map { min(chunk, max(0, dim - $0 * chunk)) }
            } else {
                guard dim % parts == 0 else { throw ctx.fail("dimension \(dim) does not split into \(parts) equal parts") }
                sizes = [Int](repeating: dim / parts, count: parts)
            }
        }
        guard sizes.count == outputs else {
            throw ctx.fail("splits into \(sizes.count) parts but the node has \(outputs) outputs")
        }
        let inner = x.shape.product((axis + 1)..<x.rank) * x.dtype.byteSize
        let outer = x.shape.product(0..<axis)
        let chunkBytes = sizes.map { $0 * inner }
        let present = (0..<outputs).map { ctx.hasOutput($0) }
        let types = sizes.map { s -> TensorType in
            var shape = x.shape
            shape[axis] = s
            return TensorType(x.dtype, shape)
        }
        return Prepared(outputTypes: types) { io in
            var src = io.input(0)
            for o in 0..<outer {
                for k in 0..<outputs {
                    let bytes = chunkBytes[k]
                    if present[k] { memcpy(io.output(k) + o * bytes, src, bytes) }
                    src += bytes
                }
            }
        }
    }
}
