/// Where(condition, X, Y): X where condition is true, else Y, with three-way numpy
/// broadcasting. Any dtype (element byte copies).
enum WhereOp: OpDefinition {
    static let opTypes = ["Where"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let c = try ctx.input(0, oneOf: [.bool])
        let x = try ctx.input(1), y = try ctx.input(2)
        guard x.dtype == y.dtype else { throw ctx.fail("X is \(x.dtype) but Y is \(y.dtype)") }
        let bc: MultiBroadcast
        do { bc = try MultiBroadcast([c.shape, x.shape, y.shape]) } catch { throw ctx.fail(error.message) }
        let out = TensorType(x.dtype, bc.shape)
        switch x.dtype.byteSize {
        case 1: return select(UInt8.self, bc, out)
        case 2: return select(UInt16.self, bc, out)
        case 4: return select(UInt32.self, bc, out)
        default: return select(UInt64.self, bc, out)
        }
    }

    private static func select<T>(_: T.Type, _ bc: MultiBroadcast, _ out: TensorType) -> Prepared {
        Prepared(outputTypes: [out]) { io in
            let cond = io.input(0).assumingMemoryBound(to: UInt8.self)
            let a = io.input(1).assumingMemoryBound(to: T.self)
            let b = io.input(2).assumingMemoryBound(to: T.self)
            let dst = io.output(0).assumingMemoryBound(to: T.self)
            bc.forEachRow { o, n, off, st in
                let c0 = off[0], a0 = off[1], b0 = off[2], cs = st[0], as_ = st[1], bs = st[2]
                for i in 0..<n {
                    dst[o + i] = cond[c0 + i * cs] != 0 ? a[a0 + i * as_] : b[b0 + i * bs]
                }
            }
        }
    }
}
