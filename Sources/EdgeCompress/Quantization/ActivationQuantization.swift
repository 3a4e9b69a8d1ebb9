import EdgeRuntime

/// Per-tensor affine 8-bit parameters of an activation: real = (q − zeroPoint) · scale.
public struct ActivationQuantization: Sendable, Equatable, Codable {
    public var scale: Float
    public var zeroPoint: Int32
    /// int8 (true) or uint8 storage.
    public var signed: Bool

    var qmin: Int32 { signed ? -128 : 0 }
    var qmax: Int32 { signed ? 127 : 255 }

    /// Parameters covering [lo, hi] widened to contain 0 (so zero is exact, as ONNX requires
    /// for padding): scale = (hi − lo) / 255, zero point = qmin − round(lo / scale). An empty
    /// range gets scale 1 (ONNX Runtime does the same), so every tensor has a valid scale.
    public static func parameters(lo: Float, hi: Float, signed: Bool) -> ActivationQuantization {
        let l = min(lo, 0), h = max(hi, 0)
        let qmin: Float = signed ? -128 : 0
        var scale = (h - l) / 255
        if !(scale.isFinite && scale > 0) { scale = 1 }
        let z = (qmin - (l / scale).rounded(.toNearestOrEven)).clamped(qmin, qmin + 255)
        return ActivationQuantization(scale: scale, zeroPoint: Int32(z), signed: signed)
    }

    /// quantize then dequantize, as QuantizeLinear/DequantizeLinear compute it.
    public func fakeQuantize(_ x: Float) -> Float {
        let q = ((x / scale).rounded(.toNearestOrEven) + Float(zeroPoint)).clamped(Float(qmin), Float(qmax))
        return (q - Float(zeroPoint)) * scale
    }

    /// Scale and zero-point initializers for QuantizeLinear/DequantizeLinear.
    var tensors: (scale: Tensor, zero: Tensor) {
        let zero = signed ? Tensor(scalar: Int8(zeroPoint)) : Tensor(scalar: UInt8(zeroPoint))
        return (Tensor(scalar: scale), zero)
    }
}

/// Statistics of one activation tensor gathered over the calibration set.
struct TensorStatistics: Sendable {
    var lo: Float = .infinity, hi: Float = -.infinity
    /// Finite values seen.
    var count = 0
    var histogram: Histogram?

    /// Histogram bins for the values seen: 2048 (TensorRT's choice) when there are plenty, fewer
    /// for small tensors (≈16 values a bin), so a sparse histogram does not fake structure;
    /// with 256 bins or fewer, entropy calibration keeps the full range.
    var histogramBins: Int { min(2048, max(64, count / 16)) }

    /// The range the observer picks.
    func range(_ observer: ObserverKind, signed: Bool) -> (Float, Float) {
        guard lo <= hi else { return (0, 0) }
        guard let h = histogram else { return (lo, hi) }
        switch observer {
        case .minMax: return (lo, hi)
        case .percentile(let p): return RangeSelection.percentile(h, percent: p)
        case .mse: return RangeSelection.mse(h)
        case .entropy:
            // Non-negative tensors (after Relu) use all 256 levels on [0, T]; others 128 per side.
            let t = RangeSelection.entropy(h, levels: lo >= 0 ? 256 : 128)
            return (max(lo, -t), min(hi, t))
        }
    }
}
