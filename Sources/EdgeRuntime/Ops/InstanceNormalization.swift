#if canImport(Glibc)
import Glibc
#endif

/// ONNX InstanceNormalization (float32): each (image, channel) plane of X [N, C, …] is
/// normalised by its own mean and (biased) variance, then scaled and shifted per channel.
enum InstanceNormalizationOp: OpDefinition {
    static let opTypes = ["InstanceNormalization"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32])
        guard x.rank >= 3 else { throw ctx.fail("input must be N×C×spatial (rank ≥ 3), got \(x.shape)") }
        let c = x.shape[1]
        for (i, name) in [(1, "scale"), (2, "B")] {
            let t = try ctx.input(i, oneOf: [.float32])
            guard t.shape == [c] else { throw ctx.fail("\(name) has shape \(t.shape), expected [\(c)]") }
        }
        let epsilon = try ctx.attributes.float("epsilon", default: 1e-5)
        let plane = x.shape[2...].reduce(1, *), planes = x.shape[0] * c
        let pool = ctx.options.pool
        return Prepared(outputTypes: [x]) { io in
            let src = io.floats(0), dst = io.outputFloats(0), scale = io.floats(1), bias = io.floats(2)
            parallelFor(pool, planes, work: 3 * planes * plane) { first, end in
                for p in first..<end where plane > 0 {
                    let (mean, invStd) = meanAndInverseStd(src + p * plane, plane, epsilon)
                    let a = scale[p % c] * invStd, b = bias[p % c] - mean * a
                    for i in (p * plane)..<((p + 1) * plane) { dst[i] = src[i] * a + b }
                }
            }
        }
    }
}

/// Mean and 1 / sqrt(variance + epsilon) of `n` contiguous floats. Two passes (the variance
/// does not suffer from cancellation), each with eight independent SIMD accumulators.
@inline(__always)
func meanAndInverseStd(_ x: UnsafePointer<Float>, _ n: Int, _ epsilon: Float) -> (Float, Float) {
    let vectors = n / 8
    let raw = UnsafeRawPointer(x)
    var acc = SIMD8<Float>()
    for v in 0..<vectors { acc += raw.loadUnaligned(fromByteOffset: v * 32, as: SIMD8<Float>.self) }
    var sum = acc.sum()
    for i in (vectors * 8)..<n { sum += x[i] }
    let mean = sum / Float(n)
    let m = SIMD8<Float>(repeating: mean)
    var sq = SIMD8<Float>()
    for v in 0..<vectors {
        let d = raw.loadUnaligned(fromByteOffset: v * 32, as: SIMD8<Float>.self) - m
        sq += d * d
    }
    var total = sq.sum()
    for i in (vectors * 8)..<n {
        let d = x[i] - mean
        total += d * d
    }
    return (mean, 1 / sqrtf(total / Float(n) + epsilon))
}
