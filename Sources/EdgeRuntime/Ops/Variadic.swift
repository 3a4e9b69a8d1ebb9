/// Sum, Max, Min, Mean over one or more inputs with numpy broadcasting (float32, float64,
/// int32, int64; Mean only for floats). NaN propagates through Max/Min like numpy's maximum.
enum VariadicOps: OpDefinition {
    static let opTypes = ["Sum", "Max", "Min", "Mean"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        guard ctx.inputCount >= 1 else { throw ctx.fail("needs at least one input") }
        let op = ctx.node.op
        let allowed: Set<DType> = op == "Mean" ? [.float32, .float64] : [.float32, .float64, .int32, .int64]
        let first = try ctx.input(0, oneOf: allowed)
        var shapes: [[Int]] = []
        for i in 0..<ctx.inputCount {
            let t = try ctx.input(i)
            guard t.dtype == first.dtype else { throw ctx.fail("input #\(i) is \(t.dtype), input #0 is \(first.dtype)") }
            shapes.append(t.shape)
        }
        let bc: MultiBroadcast
        do { bc = try MultiBroadcast(shapes) } catch { throw ctx.fail(error.message) }
        switch first.dtype {
        case .float32: return make(Float.self, op, bc)
        case .float64: return make(Double.self, op, bc)
        case .int32: return make(Int32.self, op, bc)
        default: return make(Int64.self, op, bc)
        }
    }

    private static func make<T: ReduceScalar>(_: T.Type, _ op: String, _ bc: MultiBroadcast) -> Prepared {
        switch op {
        case "Max": return kernel(T.self, bc, scale: false) { a, b in a.isNaNValue || a > b ? a : b }
        case "Min": return kernel(T.self, bc, scale: false) { a, b in a.isNaNValue || a < b ? a : b }
        case "Mean": return kernel(T.self, bc, scale: true, T.add)
        default: return kernel(T.self, bc, scale: false, T.add)
        }
    }

    private static func kernel<T: ReduceScalar>(_: T.Type, _ bc: MultiBroadcast, scale: Bool,
                                                  _ f: @escaping (T, T) -> T) -> Prepared {
        let n = bc.operands
        return Prepared(outputTypes: [TensorType(T.dtype, bc.shape)]) { io in
            let dst = io.output(0).assumingMemoryBound(to: T.self)
            bc.forEachRow { o, len, off, st in
                let x0 = io.input(0).assumingMemoryBound(to: T.self)
                for i in 0..<len { dst[o + i] = x0[off[0] + i * st[0]] }
                for k in 1..<max(n, 1) {
                    let xk = io.input(k).assumingMemoryBound(to: T.self)
                    let base = off[k], s = st[k]
                    for i in 0..<len { dst[o + i] = f(dst[o + i], xk[base + i * s]) }
                }
                if scale { for i in 0..<len { dst[o + i] = dst[o + i].divided(by: n) } }
            }
        }
    }
}
