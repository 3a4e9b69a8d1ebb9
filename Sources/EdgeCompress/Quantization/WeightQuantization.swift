import EdgeRuntime

/// Symmetric int8 weights: q = clamp(round(w / s), −127, 127), real = q · s, one scale per output
/// channel (or one for the tensor). ±127 (not −128) keeps the range symmetric, as the int8 kernels
/// and ONNX Runtime's symmetric weights expect (zero point 0).
public struct QuantizedWeights: Sendable {
    public var values: [Int8]
    /// One scale per channel, or one.
    public var scales: [Float]
    /// Axis of `shape` the scales run along (meaningful when there are several).
    public var axis: Int
    public var shape: [Int]

    /// Quantizes float `w` of `shape` per channel along `axis`, or per tensor.
    public init(_ w: [Float], shape: [Int], axis: Int, perChannel: Bool) {
        self.shape = shape
        self.axis = axis
        let channels = perChannel ? shape[axis] : 1
        let inner = perChannel ? shape[(axis + 1)...].reduce(1, *) : w.count
        var absMax = [Float](repeating: 0, count: channels)
        for (i, v) in w.enumerated() where v.isFinite { absMax[perChannel ? (i / inner) % channels : 0] = max(absMax[perChannel ? (i / inner) % channels : 0], abs(v)) }
        scales = absMax.map { $0 > 0 ? $0 / 127 : 1 }
        var q = [Int8](repeating: 0, count: w.count)
        for (i, v) in w.enumerated() {
            let s = scales[perChannel ? (i / inner) % channels : 0]
            q[i] = Int8((v / s).rounded(.toNearestOrEven).clamped(-127, 127))
        }
        values = q
    }

    var channelStride: Int { scales.count > 1 ? shape[(axis + 1)...].reduce(1, *) : values.count }

    /// Scale of element `i`.
    func scale(ofElement i: Int) -> Float { scales.count > 1 ? scales[(i / channelStride) % scales.count] : scales[0] }

    /// The dequantized weights.
    public var dequantized: [Float] { values.indices.map { Float(values[$0]) * scale(ofElement: $0) } }

    /// Initializers for DequantizeLinear: int8 values, scale ([C] or scalar) and int8 zero points.
    var tensors: (values: Tensor, scale: Tensor, zero: Tensor) {
        let zeros = [Int8](repeating: 0, count: scales.count)
        let pshape = scales.count > 1 ? [scales.count] : []
        return (try! Tensor(values, shape: shape), try! Tensor(scales, shape: pshape), try! Tensor(zeros, shape: pshape))
    }
}

/// Bias handling for an int8 layer.
enum BiasQuantization {
    /// int32 bias in the accumulator's scale x_scale · w_scale[c] (what ONNX Runtime writes), or
    /// nil when a value does not fit the kernels' accumulator headroom (the bias then stays float).
    static func int32(_ bias: [Float], inputScale: Float, weightScales: [Float]) -> (values: [Int32], scales: [Float])? {
        let scales = bias.indices.map { inputScale * weightScales[weightScales.count > 1 ? $0 : 0] }
        var out = [Int32](repeating: 0, count: bias.count)
        for (c, b) in bias.enumerated() {
            let v = (Double(b) / Double(scales[c])).rounded(.toNearestOrEven)
            guard v.isFinite, abs(v) <= Double(Int32.max) / 2 else { return nil }
            out[c] = Int32(v)
        }
        return (out, scales)
    }

    /// Analytic bias correction (Nagel et al., "Data-Free Quantization", §4.2, with empirical
    /// input means): the weight error shifts output c's mean by Σ ΔW[c, ·] · E[x]; subtract it.
    /// `layout` maps a weight element to (output channel, input channel).
    static func corrected(_ bias: [Float], original w: [Float], quantized: [Float], inputMeans: [Double],
                          layout: (Int) -> (out: Int, in: Int)) -> [Float] {
        var shift = [Double](repeating: 0, count: bias.count)
        for i in w.indices {
            let (o, c) = layout(i)
            guard o < shift.count, c < inputMeans.count else { continue }
            shift[o] += Double(quantized[i] - w[i]) * inputMeans[c]
        }
        return bias.indices.map { bias[$0] - Float(shift[$0]) }
    }
}
