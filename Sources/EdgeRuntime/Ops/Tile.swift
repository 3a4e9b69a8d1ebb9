/// Tile: output dimension d repeats input dimension d `repeats[d]` times. Viewing the output
/// as [r0, d0, r1, d1, …] makes it a strided copy with stride 0 on every repeat dimension.
/// Any dtype.
enum TileOp: OpDefinition {
    static let opTypes = ["Tile"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0)
        let repeats = try ctx.requireInts(1, "repeats")
        guard repeats.count == x.rank else { throw ctx.fail("repeats has \(repeats.count) values for rank \(x.rank)") }
        guard repeats.allSatisfy({ $0 >= 0 }) else { throw ctx.fail("repeats \(repeats) must be non-negative") }
        let inStrides = ShapeMath.strides(x.shape)
        var view: [Int] = [], strides: [Int] = [], shape: [Int] = []
        for d in 0..<x.rank {
            view += [repeats[d], x.shape[d]]
            strides += [0, inStrides[d]]
            let (n, overflow) = repeats[d].multipliedReportingOverflow(by: x.shape[d])
            guard !overflow else { throw EdgeError(.tooLarge, "\(ctx.node.label): output too large") }
            shape.append(n)
        }
        _ = try ShapeMath.elementCount(shape)
        let copy = ElementCopy(elementSize: x.dtype.byteSize, shape: view, strides: strides)
        return Prepared(outputTypes: [TensorType(x.dtype, shape)]) { io in copy.run(io.input(0), io.output(0)) }
    }
}
