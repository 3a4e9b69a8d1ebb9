/// Resize (opset 19) in modes `nearest` (any dtype: a table-driven copy) and `linear`
/// (float32, any rank: separable passes, one per resized axis from last to first, which equals
/// N-linear interpolation — bilinear for NCHW, 1-D/3-D for other ranks). Samples outside the
/// input clamp to the edge. `cubic`, `antialias` and `tf_crop_and_resize` are unsupported;
/// `roi` is ignored (it only matters for tf_crop_and_resize).
///
/// A dimension whose scale is exactly 1 and whose length is unchanged is copied as is, in every
/// coordinate mode (as ONNX Runtime does): otherwise e.g. `tf_half_pixel_for_nn` with `ceil`
/// would shift the batch and channel dimensions by one.
enum ResizeOp: OpDefinition {
    static let opTypes = ["Resize"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0)
        guard x.rank >= 1 else { throw ctx.fail("input must have rank >= 1") }
        let a = ctx.attributes
        let mode = try a.string("mode", default: "nearest")
        guard try a.int("antialias", default: 0) == 0 else {
            throw EdgeError(.unsupported, "\(ctx.node.label): antialias is not supported")
        }
        let g = try ResizeGeometry(ctx, input: x)
        switch mode {
        case "nearest": return try nearest(ctx, x, g)
        case "linear":
            _ = try ctx.input(0, oneOf: [.float32])
            return linear(x, g)
        case "cubic": throw EdgeError(.unsupported, "\(ctx.node.label): cubic mode is not supported")
        default: throw ctx.fail("unknown mode '\(mode)'")
        }
    }

    private static func nearest(_ ctx: PrepareContext, _ x: TensorType, _ g: ResizeGeometry) throws(EdgeError) -> Prepared {
        let rounding = try ctx.attributes.string("nearest_mode", default: "round_prefer_floor")
        let pick: (Double) -> Double
        switch rounding {
        case "round_prefer_floor": pick = { $0 - $0.rounded(.down) == 0.5 ? $0.rounded(.down) : $0.rounded() }
        case "round_prefer_ceil": pick = { $0.rounded() }
        case "floor": pick = { $0.rounded(.down) }
        case "ceil": pick = { $0.rounded(.up) }
        default: throw ctx.fail("unknown nearest_mode '\(rounding)'")
        }
        let strides = ShapeMath.strides(x.shape)
        var maps: [SourceMap] = []
        for d in 0..<x.rank {
            if g.outShape[d] == x.shape[d] && g.scales[d] == 1 {
                maps.append(.stride(strides[d]))
                continue
            }
            let last = x.shape[d] - 1
            maps.append(.table((0..<g.outShape[d]).map { i in
                let c = pick(g.source(i, dim: d))
                return (c.isNaN ? 0 : Int(min(max(c, 0), Double(last)))) * strides[d]
            }))
        }
        let copy = ElementCopy(elementSize: x.dtype.byteSize, shape: g.outShape, maps: maps)
        return Prepared(outputTypes: [TensorType(x.dtype, g.outShape)]) { io in copy.run(io.input(0), io.output(0)) }
    }

    /// One separable pass: [outer, inLen, inner] → [outer, outLen, inner], each output row a
    /// weighted sum of two input rows.
    struct LinearPass {
        var outer: Int, inLen: Int, outLen: Int, inner: Int
        var lo: [Int], hi: [Int], wLo: [Float], wHi: [Float]
    }

    private static func linear(_ x: TensorType, _ g: ResizeGeometry) -> Prepared {
        var passes: [LinearPass] = []
        var shape = x.shape
        for d in stride(from: x.rank - 1, through: 0, by: -1) {
            let inLen = shape[d], outLen = g.outShape[d]
            var pass = LinearPass(outer: shape.product(0..<d), inLen: inLen, outLen: outLen,
                                  inner: shape.product((d + 1)..<shape.count), lo: [], hi: [], wLo: [], wHi: [])
            var identity = inLen == outLen
            if identity && g.scales[d] == 1 { continue }
            for i in 0..<outLen {
                let c = g.source(i, dim: d)
                let f = c.rounded(.down)
                let w = c.isFinite ? Float(c - f) : 0
                let base = c.isFinite ? Int(min(max(f, -1), Double(inLen))) : 0
                let lo = min(max(base, 0), inLen - 1), hi = min(max(base + 1, 0), inLen - 1)
                pass.lo.append(lo); pass.hi.append(hi); pass.wLo.append(1 - w); pass.wHi.append(w)
                identity = identity && ((lo == i && (w == 0 || hi == lo)) || (hi == i && w == 1))
            }
            if identity { continue }
            shape[d] = outLen
            passes.append(pass)
        }
        let out = TensorType(.float32, g.outShape)
        let count = x.count
        if out.count == 0 { return Prepared(outputTypes: [out]) { _ in } }
        if passes.isEmpty {
            return Prepared(outputTypes: [out]) { io in io.output(0).copyMemory(from: io.input(0), byteCount: count * 4) }
        }
        // Two ping-pong buffers big enough for every intermediate result.
        let intermediate = passes.dropLast().map { $0.outer * $0.outLen * $0.inner }.max() ?? 0
        return Prepared(outputTypes: [out], scratchBytes: 2 * intermediate * 4) { io in
            let scratch = io.scratch?.assumingMemoryBound(to: Float.self)
            var src = io.floats(0)
            for (p, pass) in passes.enumerated() {
                let dst = p == passes.count - 1 ? io.outputFloats(0) : scratch.unsafelyUnwrapped + (p % 2) * intermediate
                run(pass, src, dst)
                src = UnsafePointer(dst)
            }
        }
    }

    @inline(__always)
    private static func run(_ p: LinearPass, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>) {
        let inner = p.inner
        for o in 0..<p.outer {
            let s = src + o * p.inLen * inner
            var d = dst + o * p.outLen * inner
            for j in 0..<p.outLen {
                let a = s + p.lo[j] * inner, b = s + p.hi[j] * inner
                let wa = p.wLo[j], wb = p.wHi[j]
                for k in 0..<inner { d[k] = wa * a[k] + wb * b[k] }
                d += inner
            }
        }
    }
}
