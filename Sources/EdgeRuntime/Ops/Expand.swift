/// Expand: broadcasts the input to `broadcast(input shape, shape input)` (numpy rules in both
/// directions). A strided copy with stride 0 on broadcast dimensions. Any dtype.
enum ExpandOp: OpDefinition {
    static let opTypes = ["Expand"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0)
        let requested = try ctx.requireInts(1, "shape")
        guard requested.allSatisfy({ $0 >= 0 }) else { throw ctx.fail("shape \(requested) has a negative dimension") }
        let shape = try ShapeMath.broadcast(x.shape, requested)
        _ = try ShapeMath.elementCount(shape)
        let copy = ElementCopy(elementSize: x.dtype.byteSize, shape: shape, strides: Broadcast.strides(x.shape, shape))
        return Prepared(outputTypes: [TensorType(x.dtype, shape)]) { io in copy.run(io.input(0), io.output(0)) }
    }
}
