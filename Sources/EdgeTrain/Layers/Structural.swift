import EdgeRuntime

/// Elementwise sum of two same-shaped inputs (residual connections).
public final class AddLayer: Layer {
    public let name: String
    public init(name: String) { self.name = name }
    public var parameters: [Parameter] { [] }

    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] {
        guard inputs.count == 2, inputs[0] == inputs[1] else { throw EdgeError(.invalidGraph, "\(name): adds two equal shapes, got \(inputs)") }
        return inputs[0]
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        var y = inputs[0]
        y.accumulate(inputs[1])
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        [needs[0] ? dy : nil, needs[1] ? dy : nil]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        graph.node("Add", name: name, inputs: inputs, output: output)
    }
}

/// Concatenation along the channel axis (dimension 1 of the batched tensors).
public final class ConcatLayer: Layer {
    public let name: String
    public init(name: String) { self.name = name }
    public var parameters: [Parameter] { [] }

    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] {
        guard let first = inputs.first, !first.isEmpty, inputs.allSatisfy({ $0.count == first.count && $0.dropFirst() == first.dropFirst() }) else {
            throw EdgeError(.invalidGraph, "\(name): concatenates shapes equal except the channels, got \(inputs)")
        }
        return [inputs.map { $0[0] }.reduce(0, +)] + first.dropFirst()
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        let n = inputs[0].batch, items = inputs.map(\.itemCount), total = items.reduce(0, +)
        var y = TTensor(shape: [n] + (try outputShape(inputs.map { Array($0.shape.dropFirst()) })))
        for i in 0..<n {
            var off = i * total
            for (t, item) in zip(inputs, items) {
                for k in 0..<item { y.data[off + k] = t.data[i * item + k] }
                off += item
            }
        }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        let n = dy.batch, total = dy.itemCount
        var off = 0
        return inputs.enumerated().map { j, t in
            let item = t.itemCount
            defer { off += item }
            guard needs[j] else { return nil }
            var dx = TTensor(shape: t.shape)
            for i in 0..<n { for k in 0..<item { dx.data[i * item + k] = dy.data[i * total + off + k] } }
            return dx
        }
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        graph.node("Concat", name: name, inputs: inputs, output: output, ["axis": .int(1)])
    }
}

/// Reshape of each item (Flatten: `shape` = [count]); exported as Reshape to [-1] + shape.
public final class ReshapeLayer: Layer {
    public let name: String
    public let shape: [Int]?
    /// `shape` nil flattens each item.
    public init(name: String, shape: [Int]? = nil) {
        self.name = name
        self.shape = shape
    }
    public var parameters: [Parameter] { [] }

    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] {
        let count = inputs[0].reduce(1, *)
        let target = shape ?? [count]
        guard target.reduce(1, *) == count else { throw EdgeError(.invalidGraph, "\(name): cannot reshape \(inputs[0]) to \(target)") }
        return target
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        TTensor(shape: [inputs[0].batch] + (try outputShape([Array(inputs[0].shape.dropFirst())])), data: inputs[0].data)
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        [TTensor(shape: inputs[0].shape, data: dy.data)]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        if let shape {
            let s = graph.constant("\(name).shape", shape: [shape.count + 1], ints: ([-1] + shape).map(Int64.init))
            graph.node("Reshape", name: name, inputs: [inputs[0], s], output: output)
        } else {
            graph.node("Flatten", name: name, inputs: inputs, output: output, ["axis": .int(1)])
        }
    }
}

/// Inverted dropout with a seeded mask (train mode only; identity in eval and in the export).
public final class Dropout: Layer {
    public let name: String
    public let rate: Float
    private var mask: [Float] = []

    public init(name: String, rate: Float) {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1)")
        self.name = name
        self.rate = rate
    }
    public var parameters: [Parameter] { [] }
    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] { inputs[0] }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        guard ctx.training, rate > 0 else { mask = []; return inputs[0] }
        let keep = 1 / (1 - rate)
        mask = (0..<inputs[0].count).map { _ in ctx.rng.uniform() < rate ? 0 : keep }
        var y = inputs[0]
        for i in 0..<y.count { y.data[i] *= mask[i] }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        guard !mask.isEmpty else { return [dy] }
        var dx = dy
        for i in 0..<dx.count { dx.data[i] *= mask[i] }
        return [dx]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        graph.node("Identity", name: name, inputs: inputs, output: output)
    }
}

/// Nearest-neighbour ×2 upsampling of [C, H, W] (feature-pyramid merges); exported as Resize.
public final class Upsample2x: Layer {
    public let name: String
    public init(name: String) { self.name = name }
    public var parameters: [Parameter] { [] }

    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] {
        guard inputs.count == 1, inputs[0].count == 3 else { throw EdgeError(.invalidGraph, "\(name): expects [C, H, W], got \(inputs)") }
        return [inputs[0][0], inputs[0][1] * 2, inputs[0][2] * 2]
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        let x = inputs[0], planes = x.shape[0] * x.shape[1], (h, w) = (x.shape[2], x.shape[3])
        var y = TTensor(shape: [x.shape[0], x.shape[1], 2 * h, 2 * w])
        for p in 0..<planes { for r in 0..<2 * h { for c in 0..<2 * w {
            y.data[(p * 2 * h + r) * 2 * w + c] = x.data[(p * h + r / 2) * w + c / 2] } } }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        let shape = inputs[0].shape, planes = shape[0] * shape[1], (h, w) = (shape[2], shape[3])
        var dx = TTensor(shape: shape)
        for p in 0..<planes { for r in 0..<2 * h { for c in 0..<2 * w {
            dx.data[(p * h + r / 2) * w + c / 2] += dy.data[(p * 2 * h + r) * 2 * w + c] } } }
        return [dx]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        let scales = graph.constant("\(name).scales", shape: [4], values: [1, 1, 2, 2])
        graph.node("Resize", name: name, inputs: [inputs[0], "", scales], output: output, [
            "mode": .string("nearest"), "coordinate_transformation_mode": .string("asymmetric"), "nearest_mode": .string("floor"),
        ])
    }
}

/// Multiplies by a constant (box-head scaling to input pixels); exported as Mul.
public final class ScaleLayer: Layer {
    public let name: String
    public let factor: Float
    public init(name: String, factor: Float) {
        self.name = name
        self.factor = factor
    }
    public var parameters: [Parameter] { [] }
    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] { inputs[0] }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        var y = inputs[0]
        for i in 0..<y.count { y.data[i] *= factor }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        var dx = dy
        for i in 0..<dx.count { dx.data[i] *= factor }
        return [dx]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        let f = graph.constant("\(name).factor", shape: [], values: [factor])
        graph.node("Mul", name: name, inputs: [inputs[0], f], output: output)
    }
}
