import EdgeRuntime

/// Batch normalization over the channel axis of [N, C, …] (spatial dims optional).
/// Train mode normalises with the batch statistics (biased variance) and updates the running
/// ones (unbiased variance, momentum 0.1, as PyTorch); eval mode uses the running statistics.
/// Exported as an inference BatchNormalization, which the graph optimiser folds into the conv.
public final class BatchNorm: Layer {
    public let name: String
    public let channels: Int
    public let gamma: Parameter, beta: Parameter
    public let runningMean: Parameter, runningVar: Parameter
    public var momentum: Float = 0.1
    public let epsilon: Float = 1e-5
    // Cached by forward for backward: 1/σ used, and the batch mean (empty after an eval forward).
    private var savedMean: [Float] = []
    private var invStd: [Float] = []

    public init(name: String, channels: Int) {
        self.name = name
        self.channels = channels
        let ones = [Float](repeating: 1, count: channels), zeros = [Float](repeating: 0, count: channels)
        gamma = Parameter(name: "\(name).gamma", shape: [channels], value: ones, decays: false)
        beta = Parameter(name: "\(name).beta", shape: [channels], value: zeros, decays: false)
        runningMean = Parameter(name: "\(name).running_mean", shape: [channels], value: zeros, decays: false)
        runningVar = Parameter(name: "\(name).running_var", shape: [channels], value: ones, decays: false)
    }

    public var parameters: [Parameter] { [gamma, beta] }
    public var buffers: [Parameter] { [runningMean, runningVar] }

    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] {
        guard inputs.count == 1, inputs[0].first == channels else {
            throw EdgeError(.invalidGraph, "\(name): expects one [\(channels), …] input, got \(inputs)")
        }
        return inputs[0]
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        let x = inputs[0], n = x.batch, plane = x.itemCount / channels, m = n * plane
        var y = TTensor(shape: x.shape)
        var mean = runningMean.value, variance = runningVar.value
        if ctx.training {
            guard m > 1 else { throw EdgeError(.invalidInput, "\(name): batch statistics need more than one value per channel") }
            x.data.withUnsafeBufferPointer { xp in
                for c in 0..<channels {
                    // Float sums per plane (vectorised), Double across planes; two passes for a stable variance.
                    var s = 0.0
                    for i in 0..<n { let p = xp.baseAddress! + (i * channels + c) * plane; var a: Float = 0; for k in 0..<plane { a += p[k] }; s += Double(a) }
                    let mu = Float(s / Double(m))
                    var s2 = 0.0
                    for i in 0..<n { let p = xp.baseAddress! + (i * channels + c) * plane; var a: Float = 0
                        for k in 0..<plane { let d = p[k] - mu; a += d * d }; s2 += Double(a) }
                    let v = s2 / Double(m)
                    mean[c] = mu
                    variance[c] = Float(v)
                    runningMean.value[c] += momentum * (mu - runningMean.value[c])
                    runningVar.value[c] += momentum * (Float(v * Double(m) / Double(m - 1)) - runningVar.value[c])
                }
            }
        }
        invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                for i in 0..<n {
                    for c in 0..<channels {
                        let (mu, s, g, b) = (mean[c], invStd[c], gamma.value[c], beta.value[c])
                        let src = xp.baseAddress! + (i * channels + c) * plane, dst = yp.baseAddress! + (i * channels + c) * plane
                        for k in 0..<plane { dst[k] = (src[k] - mu) * s * g + b }
                    }
                }
            }
        }
        if ctx.training { savedMean = mean } else { savedMean = [] }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        let x = inputs[0], n = x.batch, plane = x.itemCount / channels, m = Float(n * plane)
        // x̂ is recomputed from x (cheaper than storing it): batch mean in train mode, running mean in eval.
        let mean = savedMean.isEmpty ? runningMean.value : savedMean
        let training = !savedMean.isEmpty
        var dx = TTensor(shape: x.shape)
        x.data.withUnsafeBufferPointer { xp in
            dy.data.withUnsafeBufferPointer { dp in
                dx.data.withUnsafeMutableBufferPointer { op in
                    for c in 0..<channels {
                        let (mu, s) = (mean[c], invStd[c])
                        var sumDy: Float = 0, sumDyH: Float = 0
                        for i in 0..<n {
                            let xr = xp.baseAddress! + (i * channels + c) * plane, dr = dp.baseAddress! + (i * channels + c) * plane
                            var a: Float = 0, b: Float = 0
                            for k in 0..<plane { a += dr[k]; b += dr[k] * (xr[k] - mu) * s }
                            sumDy += a
                            sumDyH += b
                        }
                        gamma.grad[c] += sumDyH
                        beta.grad[c] += sumDy
                        // Train: dx = γ·σ⁻¹/m · (m·dy − Σdy − x̂·Σ(dy·x̂)); eval: dx = γ·σ⁻¹·dy.
                        let k0 = gamma.value[c] * s
                        let (cy, cx) = training ? (sumDy / m, sumDyH / m) : (0, 0)
                        for i in 0..<n {
                            let base = (i * channels + c) * plane
                            let xr = xp.baseAddress! + base, dr = dp.baseAddress! + base, o = op.baseAddress! + base
                            for k in 0..<plane { o[k] = k0 * (dr[k] - cy - (xr[k] - mu) * s * cx) }
                        }
                    }
                }
            }
        }
        return [dx]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        let names = [gamma, beta, runningMean, runningVar].map { graph.constant($0.name, shape: $0.shape, values: $0.value) }
        graph.node("BatchNormalization", name: name, inputs: [inputs[0]] + names, output: output, ["epsilon": .float(epsilon)])
    }
}
