import CEdgeKernels

/// Softmax and LogSoftmax (float32) over `axis` (default -1). With `coerce_2d` = 1 (opset < 13
/// models, set by the importer; default axis 1) the input is flattened to 2-D at `axis` and
/// normalised over all trailing dimensions.
///
/// Rows that are contiguous go straight to `ek_softmax_rows`; for an inner axis the data is
/// transposed into scratch so the axis becomes contiguous, normalised, and transposed back.
enum SoftmaxOps: OpDefinition {
    static let opTypes = ["Softmax", "LogSoftmax"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32])
        let log: Int32 = ctx.node.op == "LogSoftmax" ? 1 : 0
        let coerce = try ctx.attributes.int("coerce_2d", default: 0) != 0
        let rank = max(x.rank, 1)
        let axis = try ctx.axisAttribute(default: coerce ? 1 : -1, rank: rank)
        if x.count == 0 { return Prepared(outputTypes: [x]) { _ in } }
        let shape = x.rank == 0 ? [1] : x.shape
        let outer = shape.product(0..<axis)
        let dim = coerce ? shape.product(axis..<shape.count) : shape[axis]
        let inner = coerce ? 1 : shape.product((axis + 1)..<shape.count)
        if inner == 1 {
            return Prepared(outputTypes: [x]) { io in
                ek_softmax_rows(io.floats(0), io.outputFloats(0), Int64(outer), Int64(dim), log)
            }
        }
        // [outer, dim, inner] → [outer, inner, dim] in scratch, normalise rows, and back.
        let toRows = ElementCopy(elementSize: 4, shape: [outer, inner, dim], strides: [dim * inner, 1, inner])
        let fromRows = ElementCopy(elementSize: 4, shape: [outer, dim, inner], strides: [dim * inner, 1, dim])
        let count = x.count
        return Prepared(outputTypes: [x], scratchBytes: 2 * count * 4) { io in
            let a = io.scratch!.assumingMemoryBound(to: Float.self), b = a + count
            toRows.run(io.input(0), a)
            ek_softmax_rows(a, b, Int64(outer * inner), Int64(dim), log)
            fromRows.run(b, io.output(0))
        }
    }
}
