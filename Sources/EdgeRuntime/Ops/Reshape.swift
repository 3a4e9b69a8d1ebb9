/// Ops whose output is input 0 with a new shape: no data moves, the output aliases the input.
/// Reshape (0 = copy dimension unless `allowzero`, -1 = inferred), Flatten, Squeeze,
/// Unsqueeze and Identity.
enum ReshapeOps: OpDefinition {
    static let opTypes = ["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0)
        let shape: [Int]
        switch ctx.node.op {
        case "Reshape": shape = try reshape(ctx, x)
        case "Flatten":
            let axis = try ctx.attributes.int("axis", default: 1)
            let a = axis < 0 ? axis + x.rank : axis
            guard a >= 0, a <= x.rank else { throw ctx.fail("axis \(axis) out of range for rank \(x.rank)") }
            shape = [x.shape.product(0..<a), x.shape.product(a..<x.rank)]
        case "Squeeze": shape = try squeeze(ctx, x)
        case "Unsqueeze": shape = try unsqueeze(ctx, x)
        default: shape = x.shape
        }
        return .alias(input: 0, as: TensorType(x.dtype, shape))
    }

    private static func reshape(_ ctx: PrepareContext, _ x: TensorType) throws(EdgeError) -> [Int] {
        let requested = try ctx.requireInts(1, "shape")
        let allowZero = try ctx.attributes.int("allowzero", default: 0) != 0
        var shape: [Int] = []
        var inferred: Int? = nil
        for (i, d) in requested.enumerated() {
            switch d {
            case -1:
                guard inferred == nil else { throw ctx.fail("shape \(requested) has more than one -1") }
                inferred = i
                shape.append(1)
            case 0 where !allowZero:
                guard i < x.rank else { throw ctx.fail("shape \(requested) copies dimension \(i) of a rank-\(x.rank) input") }
                shape.append(x.shape[i])
            case let d where d < 0:
                throw ctx.fail("shape \(requested) has negative dimension \(d)")
            default:
                shape.append(d)
            }
        }
        if allowZero && inferred != nil && requested.contains(0) {
            throw ctx.fail("shape \(requested) mixes -1 with 0 while allowzero is set")
        }
        let known = try ShapeMath.elementCount(shape)
        if let i = inferred {
            guard known > 0, x.count % known == 0 else {
                throw ctx.fail("cannot reshape \(x.shape) to \(requested)")
            }
            shape[i] = x.count / known
        } else if known != x.count {
            throw ctx.fail("cannot reshape \(x.shape) (\(x.count) elements) to \(shape)")
        }
        return shape
    }

    private static func squeeze(_ ctx: PrepareContext, _ x: TensorType) throws(EdgeError) -> [Int] {
        guard let raw = try ctx.optionalInts(1, "axes") else { return x.shape.filter { $0 != 1 } }
        let axes = Set(try ctx.normalizedAxes(raw, rank: x.rank))
        for a in axes where x.shape[a] != 1 {
            throw ctx.fail("cannot squeeze axis \(a) of size \(x.shape[a])")
        }
        return x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    private static func unsqueeze(_ ctx: PrepareContext, _ x: TensorType) throws(EdgeError) -> [Int] {
        let raw = try ctx.requireInts(1, "axes")
        let rank = x.rank + raw.count
        let axes = Set(try ctx.normalizedAxes(raw, rank: rank))
        var shape: [Int] = []
        var next = 0
        for d in 0..<rank {
            if axes.contains(d) { shape.append(1) } else { shape.append(x.shape[next]); next += 1 }
        }
        return shape
    }
}
