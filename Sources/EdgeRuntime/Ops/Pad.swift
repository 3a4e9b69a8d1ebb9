/// Pad (opset 19+): `pads` input (begins then ends, one per padded axis; negative = crop),
/// optional `constant_value` input (read at run time), optional `axes` input. Modes constant,
/// reflect (mirror without repeating the edge, periodic for pads larger than the dimension),
/// edge and wrap. Any dtype.
enum PadOp: OpDefinition {
    static let opTypes = ["Pad"]

    enum Mode: String { case constant, reflect, edge, wrap }

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0)
        let modeName = try ctx.attributes.string("mode", default: "constant")
        guard let mode = Mode(rawValue: modeName) else { throw ctx.fail("unknown mode '\(modeName)'") }
        let pads = try ctx.requireInts(1, "pads")
        let axes = try ctx.normalizedAxes(try ctx.optionalInts(3, "axes") ?? Array(0..<x.rank), rank: x.rank)
        guard pads.count == 2 * axes.count else {
            throw ctx.fail("pads has \(pads.count) values, expected \(2 * axes.count)")
        }
        var begin = [Int](repeating: 0, count: x.rank), end = begin
        for (i, a) in axes.enumerated() {
            begin[a] = pads[i]
            end[a] = pads[i + axes.count]
        }
        var shape = x.shape
        for d in 0..<x.rank {
            shape[d] = x.shape[d] + begin[d] + end[d]
            guard shape[d] >= 0 else { throw ctx.fail("pads \(pads) crop dimension \(d) of \(x.shape) below zero") }
            if mode != .constant && x.shape[d] == 0 && shape[d] > 0 {
                throw ctx.fail("cannot \(mode.rawValue)-pad empty dimension \(d)")
            }
        }
        let type = TensorType(x.dtype, shape)
        let es = x.dtype.byteSize
        if ctx.hasInput(2) {
            let v = try ctx.input(2)
            guard v.dtype == x.dtype, v.count == 1 else {
                throw ctx.fail("constant_value must be one \(x.dtype) element, got \(v)")
            }
        }
        if mode == .constant {
            return constantPad(ctx, x, type, begin: begin)
        }
        let inStrides = ShapeMath.strides(x.shape)
        var maps: [SourceMap] = []
        for d in 0..<x.rank {
            let n = x.shape[d]
            if begin[d] == 0 && end[d] == 0 {
                maps.append(.stride(inStrides[d]))
                continue
            }
            var table = [Int](repeating: 0, count: shape[d])
            for i in 0..<shape[d] {
                table[i] = sourceIndex(i - begin[d], n, mode) * inStrides[d]
            }
            maps.append(.table(table))
        }
        let copy = ElementCopy(elementSize: es, shape: shape, maps: maps)
        return Prepared(outputTypes: [type]) { io in copy.run(io.input(0), io.output(0)) }
    }

    /// Fills the output with the constant, then copies the (possibly cropped) input box into it.
    private static func constantPad(_ ctx: PrepareContext, _ x: TensorType, _ type: TensorType, begin: [Int]) -> Prepared {
        let inStrides = ShapeMath.strides(x.shape), outStrides = ShapeMath.strides(type.shape)
        var box = [Int](repeating: 0, count: x.rank)
        var srcBase = 0, dstBase = 0
        for d in 0..<x.rank {
            let crop = max(0, -begin[d]), offset = max(0, begin[d])
            box[d] = max(0, min(x.shape[d] - crop, type.shape[d] - offset))
            srcBase += crop * inStrides[d]
            dstBase += offset * outStrides[d]
        }
        let copy = ElementCopy(elementSize: x.dtype.byteSize, shape: box, maps: inStrides.map { .stride($0) },
                               srcBase: srcBase, dstStrides: outStrides, dstBase: dstBase)
        let hasValue = ctx.hasInput(2)
        let count = type.count, es = x.dtype.byteSize
        return Prepared(outputTypes: [type]) { io in
            let out = io.output(0)
            if hasValue {
                fillElements(out, count: count, elementSize: es, value: io.input(2))
            } else {
                out.initializeMemory(as: UInt8.self, repeating: 0, count: count * es)
            }
            copy.run(io.input(0), out)
        }
    }

    /// Source index that output coordinate `c` (relative to the input's start) reads.
    static func sourceIndex(_ c: Int, _ n: Int, _ mode: Mode) -> Int {
        if c >= 0 && c < n { return c }
        switch mode {
        case .edge, .constant: return min(max(c, 0), n - 1)
        case .wrap: return ((c % n) + n) % n
        case .reflect:
            guard n > 1 else { return 0 }
            let period = 2 * (n - 1)
            let m = ((c % period) + period) % period
            return m < n ? m : period - m
        }
    }
}
