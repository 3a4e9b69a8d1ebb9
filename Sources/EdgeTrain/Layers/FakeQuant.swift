import EdgeRuntime

/// Fake quantization settings for quantization-aware fine-tuning.
public struct FakeQuantSpec: Sendable, Equatable {
    /// 8 or 4 (weights: symmetric signed; activations: asymmetric unsigned 8-bit).
    public var bits: Int
    public init(bits: Int) { self.bits = bits }
    /// Largest signed level: 127 for int8, 7 for int4.
    var maxLevel: Float { Float((1 << (bits - 1)) - 1) }
}

/// Quantize-dequantize in the forward pass; backward is the straight-through estimator
/// (the gradient of the rounded weight is used as the gradient of the float weight).
public enum FakeQuant {
    /// Per-channel symmetric fake quantization along `axis` (0 for conv/Gemm-transB weights):
    /// scale = max|w| / (2^(bits−1) − 1), w' = clamp(round(w / scale)) · scale.
    public static func weights(_ w: [Float], shape: [Int], axis: Int, spec: FakeQuantSpec) -> [Float] {
        precondition(axis == 0, "per-channel fake quant is along axis 0")
        let channels = shape[0], per = w.count / max(channels, 1)
        var out = w
        for c in 0..<channels {
            var m: Float = 0
            for k in 0..<per { m = max(m, abs(w[c * per + k])) }
            guard m > 0 else { continue }
            let scale = m / spec.maxLevel
            for k in 0..<per {
                let q = (w[c * per + k] / scale).rounded(.toNearestOrEven)
                out[c * per + k] = min(max(q, -spec.maxLevel), spec.maxLevel) * scale
            }
        }
        return out
    }
}

/// Per-tensor asymmetric uint8 fake quantization of an activation. The range is an exponential
/// moving average of batch min/max in training (frozen in eval); backward passes the gradient
/// where the input lies inside the range (clipped straight-through estimator).
/// Exported as QuantizeLinear → DequantizeLinear, which the runtime fuses into int8 kernels.
public final class FakeQuantActivation: Layer {
    public let name: String
    /// [min, max] running range.
    public let range: Parameter
    public var momentum: Float = 0.1
    private var initialized = false

    public init(name: String) {
        self.name = name
        range = Parameter(name: "\(name).range", shape: [2], value: [0, 0], decays: false)
    }

    public var parameters: [Parameter] { [] }
    public var buffers: [Parameter] { [range] }

    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] { inputs[0] }

    /// (scale, zero point) of the current range; the range always includes 0.
    var quantParams: (Float, Float) {
        let lo = min(range.value[0], 0), hi = max(range.value[1], 0)
        let scale = max((hi - lo) / 255, 1e-8)
        return (scale, min(max((-lo / scale).rounded(.toNearestOrEven), 0), 255))
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        let x = inputs[0]
        if ctx.training {
            let lo = x.data.min() ?? 0, hi = x.data.max() ?? 0
            if !initialized || range.value == [0, 0] {
                range.value = [lo, hi]
                initialized = true
            } else {
                range.value[0] += momentum * (lo - range.value[0])
                range.value[1] += momentum * (hi - range.value[1])
            }
        }
        let (scale, zero) = quantParams
        var y = x
        for i in 0..<y.count {
            let q = min(max((x.data[i] / scale).rounded(.toNearestOrEven) + zero, 0), 255)
            y.data[i] = (q - zero) * scale
        }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        let (scale, zero) = quantParams
        let lo = (0 - zero) * scale, hi = (255 - zero) * scale
        var dx = dy
        for i in 0..<dx.count where inputs[0].data[i] < lo || inputs[0].data[i] > hi { dx.data[i] = 0 }
        return [dx]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        let (scale, zero) = quantParams
        let s = graph.constant("\(name).scale", shape: [], values: [scale])
        let z = "\(name).zero_point"
        graph.setZeroPoint(z, UInt8(zero))
        graph.node("QuantizeLinear", name: "\(name).q", inputs: [inputs[0], s, z], output: "\(name).quantized")
        graph.node("DequantizeLinear", name: "\(name).dq", inputs: ["\(name).quantized", s, z], output: output)
    }
}

extension GraphBuilder {
    /// A scalar uint8 zero-point initializer.
    func setZeroPoint(_ name: String, _ value: UInt8) {
        addInitializer(name, try! Tensor([value], shape: []))
    }
}
