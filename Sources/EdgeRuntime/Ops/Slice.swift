/// Slice (opset 13+): `starts`, `ends`, optional `axes` and `steps` inputs (compile-time
/// constants). Negative indices count from the end, out-of-range values are clamped as the
/// spec says, negative steps walk backwards. Any dtype.
enum SliceOp: OpDefinition {
    static let opTypes = ["Slice"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0)
        let starts = try ctx.requireInts(1, "starts")
        let ends = try ctx.requireInts(2, "ends")
        let axes = try ctx.normalizedAxes(try ctx.optionalInts(3, "axes") ?? Array(0..<starts.count), rank: x.rank)
        let steps = try ctx.optionalInts(4, "steps") ?? [Int](repeating: 1, count: starts.count)
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
            throw ctx.fail("starts, ends, axes and steps must have the same length (\(starts.count), \(ends.count), \(axes.count), \(steps.count))")
        }
        let inStrides = ShapeMath.strides(x.shape)
        var shape = x.shape
        var strides = inStrides
        var base = 0
        for (i, axis) in axes.enumerated() {
            guard steps[i] != 0 else { throw ctx.fail("step for axis \(axis) is 0") }
            // Steps beyond ±dim select at most one element; clamping keeps stride math in range.
            let dim = max(x.shape[axis], 1)
            let step = min(max(steps[i], -dim), dim)
            let (start, length) = range(start: starts[i], end: ends[i], step: step, dim: x.shape[axis])
            shape[axis] = length
            strides[axis] = step * inStrides[axis]
            base += start * inStrides[axis]
        }
        let copy = ElementCopy(elementSize: x.dtype.byteSize, shape: shape, strides: strides, srcBase: base)
        return Prepared(outputTypes: [TensorType(x.dtype, shape)]) { io in
            copy.run(io.input(0), io.output(0))
        }
    }

    /// Clamped first index and element count of `start..<end` by `step` over a dimension `dim`.
    static func range(start: Int, end: Int, step: Int, dim n: Int) -> (start: Int, count: Int) {
        guard n > 0 else { return (0, 0) }
        var s = start < 0 ? start &+ n : start
        var e = end < 0 ? end &+ n : end
        if step > 0 {
            s = min(max(s, 0), n)
            e = min(max(e, 0), n)
            return (s, e > s ? (e - s - 1) / step + 1 : 0)
        }
        s = min(max(s, 0), n - 1)
        e = min(max(e, -1), n - 1)
        return (s, s > e ? (s - e - 1) / (-step) + 1 : 0)
    }
}
