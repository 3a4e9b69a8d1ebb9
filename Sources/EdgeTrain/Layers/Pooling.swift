import EdgeRuntime

/// 2-D max or average pooling over [C, H, W] with symmetric padding. Average divides by the
/// taps inside the input (ONNX count_include_pad = 0); max records its argmax for backward.
public final class Pool2D: Layer {
    public let name: String
    public let isMax: Bool
    public let kernel: Int, stride: Int, pad: Int
    private var argmax: [Int32] = []

    public init(name: String, max isMax: Bool, kernel: Int, stride: Int, pad: Int = 0) {
        self.name = name
        self.isMax = isMax
        self.kernel = kernel
        self.stride = stride
        self.pad = pad
    }

    public var parameters: [Parameter] { [] }

    private func out(_ size: Int) -> Int { (size + 2 * pad - kernel) / stride + 1 }

    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] {
        guard inputs.count == 1, inputs[0].count == 3, kernel > 0, stride > 0, pad >= 0, pad < kernel,
              out(inputs[0][1]) > 0, out(inputs[0][2]) > 0 else {
            throw EdgeError(.invalidGraph, "\(name): bad pooling of \(inputs) (kernel \(kernel), stride \(stride), pad \(pad))")
        }
        return [inputs[0][0], out(inputs[0][1]), out(inputs[0][2])]
    }

    /// Calls body(outIndex, inIndex) for every tap inside the input of every output cell.
    private func forEachWindow(_ shape: [Int], _ body: (Int, [Int]) -> Void) {
        let (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
        let (oh, ow) = (out(h), out(w))
        var taps = [Int]()
        for p in 0..<planes {
            for y in 0..<oh { for x in 0..<ow {
                taps.removeAll(keepingCapacity: true)
                for i in 0..<kernel { let iy = y * stride - pad + i; guard iy >= 0 && iy < h else { continue }
                    for j in 0..<kernel { let ix = x * stride - pad + j; guard ix >= 0 && ix < w else { continue }
                        taps.append((p * h + iy) * w + ix) } }
                body((p * oh + y) * ow + x, taps)
            } }
        }
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        let x = inputs[0]
        var y = TTensor(shape: [x.shape[0], x.shape[1], out(x.shape[2]), out(x.shape[3])])
        if isMax { argmax = [Int32](repeating: 0, count: y.count) }
        forEachWindow(x.shape) { o, taps in
            if isMax {
                var best = taps[0]
                for t in taps where x.data[t] > x.data[best] { best = t }
                y.data[o] = x.data[best]
                argmax[o] = Int32(best)
            } else {
                var s: Float = 0
                for t in taps { s += x.data[t] }
                y.data[o] = s / Float(taps.count)
            }
        }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        var dx = TTensor(shape: inputs[0].shape)
        if isMax {
            for o in 0..<dy.count { dx.data[Int(argmax[o])] += dy.data[o] }
        } else {
            forEachWindow(inputs[0].shape) { o, taps in
                let g = dy.data[o] / Float(taps.count)
                for t in taps { dx.data[t] += g }
            }
        }
        return [dx]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        graph.node(isMax ? "MaxPool" : "AveragePool", name: name, inputs: inputs, output: output, [
            "kernel_shape": .ints([kernel, kernel]), "strides": .ints([stride, stride]), "pads": .ints([pad, pad, pad, pad]),
        ])
    }
}

/// Global average pooling [C, H, W] → [C] (exported as GlobalAveragePool + Flatten).
public final class GlobalAvgPool: Layer {
    public let name: String
    public init(name: String) { self.name = name }
    public var parameters: [Parameter] { [] }

    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] {
        guard inputs.count == 1, inputs[0].count == 3 else { throw EdgeError(.invalidGraph, "\(name): expects [C, H, W], got \(inputs)") }
        return [inputs[0][0]]
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        let x = inputs[0], planes = x.shape[0] * x.shape[1], plane = x.shape[2] * x.shape[3]
        var y = TTensor(shape: [x.shape[0], x.shape[1]])
        for p in 0..<planes {
            var s: Float = 0
            for k in 0..<plane { s += x.data[p * plane + k] }
            y.data[p] = s / Float(plane)
        }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        let shape = inputs[0].shape, plane = shape[2] * shape[3]
        var dx = TTensor(shape: shape)
        for p in 0..<dy.count { let g = dy.data[p] / Float(plane); for k in 0..<plane { dx.data[p * plane + k] = g } }
        return [dx]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        graph.node("GlobalAveragePool", name: name, inputs: inputs, output: "\(name).pooled")
        graph.node("Flatten", name: "\(name).flatten", inputs: ["\(name).pooled"], output: output, ["axis": .int(1)])
    }
}
