import CEdgeKernels

/// Geometry of a sliding-window op (Conv, MaxPool, AveragePool) along its spatial axes:
/// kernel, strides, dilations, padding at both ends and the resulting output size, all
/// validated against one input. Parsed from the ONNX attributes `strides`, `dilations`,
/// `pads` (all begins, then all ends) and `auto_pad`.
struct WindowGeometry: Sendable, Equatable {
    /// Largest kernel size, stride, dilation or pad accepted. Far above any real model, and
    /// low enough that window arithmetic on hostile attributes cannot overflow.
    static let attributeLimit = 1 << 16

    var input: [Int]
    var kernel: [Int]
    var strides: [Int]
    var dilations: [Int]
    var padBegin: [Int]
    var padEnd: [Int]
    var output: [Int]

    var rank: Int { input.count }

    /// Extent of the dilated kernel along axis `i`.
    func span(_ i: Int) -> Int { (kernel[i] - 1) * dilations[i] + 1 }

    /// A geometry computed elsewhere (ConvTranspose derives its own output size).
    init(input: [Int], kernel: [Int], strides: [Int], dilations: [Int], padBegin: [Int], padEnd: [Int], output: [Int]) {
        self.input = input
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        self.padBegin = padBegin
        self.padEnd = padEnd
        self.output = output
    }

    /// Parses and validates the window attributes of `node` for spatial input size `input`.
    /// `ceilMode` (pools) rounds the output size up, dropping a last window that would start
    /// in the end padding (ONNX/PyTorch rule).
    init(node: Node, input: [Int], kernel: [Int], ceilMode: Bool = false) throws(EdgeError) {
        let a = node.attributes
        let rank = input.count
        func fail(_ m: String) -> EdgeError { EdgeError(.invalidGraph, "\(node.label): \(m)") }
        func list(_ name: String, _ count: Int, _ fallback: Int) throws(EdgeError) -> [Int] {
            guard let v = try a.ints(name), !v.isEmpty else { return [Int](repeating: fallback, count: count) }
            guard v.count == count else { throw fail("'\(name)' has \(v.count) values, expected \(count)") }
            return v
        }
        guard kernel.count == rank else { throw fail("kernel has \(kernel.count) spatial dims, input has \(rank)") }
        let limit = WindowGeometry.attributeLimit
        func bounded(_ name: String, _ v: [Int]) throws(EdgeError) {
            guard v.allSatisfy({ $0 <= limit }) else { throw fail("\(name) \(v) exceed the limit of \(limit)") }
        }
        try bounded("kernel sizes", kernel)
        guard kernel.allSatisfy({ $0 >= 1 }) else { throw fail("kernel sizes must be positive, got \(kernel)") }
        let strides = try list("strides", rank, 1)
        let dilations = try list("dilations", rank, 1)
        guard strides.allSatisfy({ $0 >= 1 }) else { throw fail("strides must be positive, got \(strides)") }
        guard dilations.allSatisfy({ $0 >= 1 }) else { throw fail("dilations must be positive, got \(dilations)") }
        try bounded("strides", strides)
        try bounded("dilations", dilations)
        guard input.allSatisfy({ $0 >= 1 }) else { throw fail("spatial input size \(input) has an empty dimension") }
        self.input = input
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        self.padBegin = [Int](repeating: 0, count: rank)
        self.padEnd = padBegin
        self.output = padBegin

        let autoPad = try a.string("auto_pad", default: "NOTSET")
        switch autoPad {
        case "SAME_UPPER", "SAME_LOWER":
            for i in 0..<rank {
                let out = (input[i] + strides[i] - 1) / strides[i]
                let total = max(0, (out - 1) * strides[i] + span(i) - input[i])
                padBegin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
                padEnd[i] = total - padBegin[i]
                output[i] = out
            }
            return
        case "VALID":
            break
        case "NOTSET", "":
            let pads = try list("pads", 2 * rank, 0)
            guard pads.allSatisfy({ $0 >= 0 }) else { throw fail("pads must not be negative, got \(pads)") }
            try bounded("pads", pads)
            padBegin = Array(pads[0..<rank])
            padEnd = Array(pads[rank...])
        default:
            throw fail("unknown auto_pad '\(autoPad)'")
        }
        for i in 0..<rank {
            let padded = input[i] + padBegin[i] + padEnd[i]
            guard padded >= span(i) else {
                throw fail("kernel extent \(span(i)) is larger than the padded input \(padded) on spatial axis \(i)")
            }
            let room = padded - span(i)
            var out = (ceilMode ? (room + strides[i] - 1) / strides[i] : room / strides[i]) + 1
            if ceilMode && (out - 1) * strides[i] >= input[i] + padBegin[i] { out -= 1 }
            output[i] = out
        }
    }

    /// The same window on a 1-D input seen as 2-D with height 1 (so 2-D kernels serve 1-D ops).
    var as2D: WindowGeometry {
        guard rank == 1 else { return self }
        var g = self
        g.input = [1] + input
        g.kernel = [1] + kernel
        g.strides = [1] + strides
        g.dilations = [1] + dilations
        g.padBegin = [0] + padBegin
        g.padEnd = [0] + padEnd
        g.output = [1] + output
        return g
    }

    /// The C kernels' description of one 2-D window over `channels` channels (rank must be 2).
    func kernelGeometry(channels: Int) -> ek_conv2d_geometry {
        ek_conv2d_geometry(channels: Int64(channels), in_h: Int64(input[0]), in_w: Int64(input[1]),
                           kernel_h: Int64(kernel[0]), kernel_w: Int64(kernel[1]),
                           stride_h: Int64(strides[0]), stride_w: Int64(strides[1]),
                           pad_top: Int64(padBegin[0]), pad_left: Int64(padBegin[1]),
                           dilation_h: Int64(dilations[0]), dilation_w: Int64(dilations[1]),
                           out_h: Int64(output[0]), out_w: Int64(output[1]))
    }
}

/// Spatial sizes padded to three axes (leading 1s), so one set of loops serves 1-D, 2-D and 3-D.
struct Dims3: Sendable {
    var d: Int, h: Int, w: Int
    init(_ s: [Int], fill: Int = 1) {
        let p = [Int](repeating: fill, count: 3 - s.count) + s
        d = p[0]; h = p[1]; w = p[2]
    }
    var count: Int { d * h * w }
}

/// `WindowGeometry` flattened to three axes for loop code.
struct Window3: Sendable {
    var input: Dims3, kernel: Dims3, stride: Dims3, dilation: Dims3, pad: Dims3, output: Dims3
    init(_ g: WindowGeometry) {
        input = Dims3(g.input); kernel = Dims3(g.kernel); stride = Dims3(g.strides)
        dilation = Dims3(g.dilations); pad = Dims3(g.padBegin, fill: 0); output = Dims3(g.output)
    }
}
