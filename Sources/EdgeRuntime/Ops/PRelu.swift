/// ONNX PRelu (float32): y = x < 0 ? slope · x : x, with slope unidirectionally broadcast
/// to X (e.g. per channel [C, 1, 1] against [N, C, H, W]).
enum PReluOp: OpDefinition {
    static let opTypes = ["PRelu"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32]), slope = try ctx.input(1, oneOf: [.float32])
        guard slope.rank <= x.rank, (try? ShapeMath.broadcast(x.shape, slope.shape)) == x.shape else {
            throw ctx.fail("slope \(slope.shape) does not broadcast to the input \(x.shape)")
        }
        let bc = Broadcast(a: x.shape, b: slope.shape, out: x.shape)
        return Prepared(outputTypes: [x]) { io in
            let src = io.floats(0), s = io.floats(1), dst = io.outputFloats(0)
            bc.forEach { o, i, j in
                let v = src[i]
                dst[o] = v < 0 ? s[j] * v : v
            }
        }
    }
}
