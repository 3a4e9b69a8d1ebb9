/// ArgMax / ArgMin along `axis` → int64 indices (`keepdims`, `select_last_index` for ties).
/// Float32/64 and integer inputs. A NaN compares as neither greater nor smaller, so it is never
/// selected unless it is the first element.
enum ArgMinMaxOps: OpDefinition {
    static let opTypes = ["ArgMax", "ArgMin"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32, .float64, .int32, .int64, .int8, .uint8])
        guard x.rank >= 1 else { throw ctx.fail("input must have rank >= 1") }
        let axis = try ctx.axisAttribute(default: 0, rank: x.rank)
        let keep = try ctx.attributes.int("keepdims", default: 1) != 0
        let last = try ctx.attributes.int("select_last_index", default: 0) != 0
        let dim = x.shape[axis]
        var shape = x.shape
        if keep { shape[axis] = 1 } else { shape.remove(at: axis) }
        let out = TensorType(.int64, shape)
        guard dim > 0 || out.count == 0 else { throw ctx.fail("cannot take \(ctx.node.op) over an empty axis") }
        let geometry = (outer: x.shape.product(0..<axis), dim: dim, inner: x.shape.product((axis + 1)..<x.rank))
        let isMax = ctx.node.op == "ArgMax"
        switch x.dtype {
        case .float32: return kernel(Float.self, geometry, out, isMax, last)
        case .float64: return kernel(Double.self, geometry, out, isMax, last)
        case .int32: return kernel(Int32.self, geometry, out, isMax, last)
        case .int64: return kernel(Int64.self, geometry, out, isMax, last)
        case .int8: return kernel(Int8.self, geometry, out, isMax, last)
        default: return kernel(UInt8.self, geometry, out, isMax, last)
        }
    }

    private static func kernel<T: Comparable>(_: T.Type, _ g: (outer: Int, dim: Int, inner: Int), _ out: TensorType,
                                              _ isMax: Bool, _ last: Bool) -> Prepared {
        Prepared(outputTypes: [out]) { io in
            let x = io.input(0).assumingMemoryBound(to: T.self)
            let y = io.output(0).assumingMemoryBound(to: Int64.self)
            for o in 0..<g.outer {
                for i in 0..<g.inner {
                    let base = o * g.dim * g.inner + i
                    var best = x[base], at = 0
                    for k in 1..<max(g.dim, 1) {
                        let v = x[base + k * g.inner]
                        let better = isMax ? (last ? v >= best : v > best) : (last ? v <= best : v < best)
                        if better { best = v; at = k }
                    }
                    y[o * g.inner + i] = Int64(at)
                }
            }
        }
    }
}
