/// Transpose: output dimension d is input dimension `perm[d]` (default: reversed). Any dtype.
enum TransposeOp: OpDefinition {
    static let opTypes = ["Transpose"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0)
        let perm = try ctx.attributes.ints("perm") ?? Array((0..<x.rank).reversed())
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
            throw ctx.fail("perm \(perm) is not a permutation of 0..<\(x.rank)")
        }
        let inStrides = ShapeMath.strides(x.shape)
        let shape = perm.map { x.shape[$0] }
        let copy = ElementCopy(elementSize: x.dtype.byteSize, shape: shape, strides: perm.map { inStrides[$0] })
        return Prepared(outputTypes: [TensorType(x.dtype, shape)]) { io in
            copy.run(io.input(0), io.output(0))
        }
    }
}
