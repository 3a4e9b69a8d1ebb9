/// ONNX LayerNormalization (float32): normalises X over the axes [axis, rank) with
/// epsilon, then y = x̂ · Scale + B, where Scale and optional B broadcast (numpy,
/// unidirectionally) to the normalised shape. Optional outputs Mean and InvStdDev have
/// shape X.shape[..<axis] + [1, …].
enum LayerNormalizationOp: OpDefinition {
    static let opTypes = ["LayerNormalization"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32])
        guard x.rank >= 1 else { throw ctx.fail("input must have rank ≥ 1") }
        let axis = try ShapeMath.axis(ctx.attributes.int("axis", default: -1), rank: x.rank)
        let epsilon = try ctx.attributes.float("epsilon", default: 1e-5)
        let normalized = Array(x.shape[axis...])
        let d = normalized.reduce(1, *), rows = x.shape[..<axis].reduce(1, *)

        /// Index into a parameter for each position of the normalised block (nil: identity).
        func parameterMap(_ i: Int, _ name: String) throws(EdgeError) -> [Int]? {
            let p = try ctx.input(i, oneOf: [.float32])
            guard p.rank <= normalized.count,
                  (try? ShapeMath.broadcast(normalized, p.shape)) == normalized else {
                throw ctx.fail("\(name) \(p.shape) does not broadcast to the normalised shape \(normalized)")
            }
            if p.count == d { return nil }
            let bc = Broadcast(a: normalized, b: p.shape, out: normalized)
            var map = [Int](repeating: 0, count: d)
            bc.forEach { o, _, j in map[o] = j }
            return map
        }
        let scaleMap = try parameterMap(1, "Scale")
        let hasBias = ctx.hasInput(2)
        let biasMap = hasBias ? try parameterMap(2, "B") : nil
        let statsShape = Array(x.shape[..<axis]) + [Int](repeating: 1, count: x.rank - axis)
        let outputs = ctx.node.outputs
        let wantMean = outputs.count > 1 && !outputs[1].isEmpty
        let wantInvStd = outputs.count > 2 && !outputs[2].isEmpty
        let types = [x, TensorType(.float32, statsShape), TensorType(.float32, statsShape)]

        let pool = ctx.options.pool
        return Prepared(outputTypes: types) { io in
            let src = io.floats(0), dst = io.outputFloats(0), scale = io.floats(1)
            let bias: UnsafePointer<Float>? = hasBias ? io.floats(2) : nil
            parallelFor(pool, rows, work: 3 * rows * d) { first, end in
                for r in first..<end where d > 0 {
                    let xr = src + r * d, yr = dst + r * d
                    let (mean, invStd) = meanAndInverseStd(xr, d, epsilon)
                    if wantMean { io.outputFloats(1)[r] = mean }
                    if wantInvStd { io.outputFloats(2)[r] = invStd }
                    if scaleMap == nil && biasMap == nil {
                        // Parameters cover the whole normalised block (the usual case).
                        if let bias {
                            for i in 0..<d { yr[i] = (xr[i] - mean) * invStd * scale[i] + bias[i] }
                        } else {
                            for i in 0..<d { yr[i] = (xr[i] - mean) * invStd * scale[i] }
                        }
                        continue
                    }
                    for i in 0..<d {
                        var v = (xr[i] - mean) * invStd * scale[scaleMap?[i] ?? i]
                        if let bias { v += bias[biasMap?[i] ?? i] }
                        yr[i] = v
                    }
                }
            }
        }
    }
}
