#if canImport(Glibc)
import Glibc
#endif

/// ONNX BatchNormalization, inference mode (float32): per channel c of X [N, C, …],
/// y = (x − mean[c]) / sqrt(var[c] + epsilon) · scale[c] + B[c].
/// `training_mode` = 1 (and the running-statistics outputs it enables) is not supported.
/// Usually folded into the preceding Conv by `GraphOptimizer`; this kernel covers the rest.
enum BatchNormalizationOp: OpDefinition {
    static let opTypes = ["BatchNormalization"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32])
        guard try ctx.attributes.int("training_mode", default: 0) == 0,
              ctx.node.outputs.dropFirst().allSatisfy(\.isEmpty) else {
            throw EdgeError(.unsupported, "\(ctx.node.label): training mode (running statistics outputs) is not supported")
        }
        guard x.rank >= 2 else { throw ctx.fail("input must be N×C×… (rank ≥ 2), got \(x.shape)") }
        let c = x.shape[1]
        for (i, name) in [(1, "scale"), (2, "B"), (3, "input_mean"), (4, "input_var")] {
            let t = try ctx.input(i, oneOf: [.float32])
            guard t.shape == [c] else { throw ctx.fail("\(name) has shape \(t.shape), expected [\(c)]") }
        }
        let epsilon = try ctx.attributes.float("epsilon", default: 1e-5)
        let plane = x.shape[2...].reduce(1, *), batch = x.shape[0]
        let pool = ctx.options.pool
        return Prepared(outputTypes: [x]) { io in
            let src = io.floats(0), dst = io.outputFloats(0)
            let scale = io.floats(1), bias = io.floats(2), mean = io.floats(3), variance = io.floats(4)
            parallelFor(pool, c, work: x.count) { first, end in
                for ch in first..<end {
                    let a = scale[ch] / sqrtf(variance[ch] + epsilon)
                    let b = bias[ch] - mean[ch] * a
                    for n in 0..<batch {
                        let o = (n * c + ch) * plane
                        for i in o..<(o + plane) { dst[i] = src[i] * a + b }
                    }
                }
            }
        }
    }
}
