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
    // Cached by a training forward for backward.
    private var xhat: [Float] = []
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
            for c in 0..<channels {
                var s = 0.0, s2 = 0.0
                for i in 0..<n { for k in 0..<plane { let v = Double(x.data[(i * channels + c) * plane + k]); s += v; s2 += v * v } }
                let mu = s / Double(m)
                let v = max(s2 / Double(m) - mu * mu, 0)
                mean[c] = Float(mu)
                variance[c] = Float(v)
                runningMean.value[c] += momentum * (Float(mu) - runningMean.value[c])
                runningVar.value[c] += momentum * (Float(v * Double(m) / Double(m - 1)) - runningVar.value[c])
            }
            xhat = [Float](repeating: 0, count: x.count)
        }
        invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        for i in 0..<n {
            for c in 0..<channels {
                let (mu, s, g, b) = (mean[c], invStd[c], gamma.value[c], beta.value[c])
                let base = (i * channels + c) * plane
                for k in 0..<plane {
                    let h = (x.data[base + k] - mu) * s
                    if ctx.training { xhat[base + k] = h }
                    y.data[base + k] = h * g + b
                }
            }
        }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        let x = inputs[0], n = x.batch, plane = x.itemCount / channels, m = Float(n * plane)
        if !ctx.training {
            // Eval mode: y = γ·(x − μ)/σ + β with constant μ, σ.
            var dx = TTensor(shape: x.shape)
            for i in 0..<n { for c in 0..<channels {
                let base = (i * channels + c) * plane, s = invStd[c]
                for k in 0..<plane {
                    let h = (x.data[base + k] - runningMean.value[c]) * s
                    gamma.grad[c] += dy.data[base + k] * h
                    beta.grad[c] += dy.data[base + k]
                    dx.data[base + k] = dy.data[base + k] * gamma.value[c] * s
                }
            } }
            return [dx]
        }
        var dx = TTensor(shape: x.shape)
        for c in 0..<channels {
            var sumDy: Float = 0, sumDyH: Float = 0
            for i in 0..<n { let base = (i * channels + c) * plane
                for k in 0..<plane { sumDy += dy.data[base + k]; sumDyH += dy.data[base + k] * xhat[base + k] } }
            gamma.grad[c] += sumDyH
            beta.grad[c] += sumDy
            // dx = γ·σ⁻¹/m · (m·dy − Σdy − x̂·Σ(dy·x̂))
            let k0 = gamma.value[c] * invStd[c] / m
            for i in 0..<n { let base = (i * channels + c) * plane
                for k in 0..<plane { dx.data[base + k] = k0 * (m * dy.data[base + k] - sumDy - xhat[base + k] * sumDyH) } }
        }
        return [dx]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        let names = [gamma, beta, runningMean, runningVar].map { graph.constant($0.name, shape: $0.shape, values: $0.value) }
        graph.node("BatchNormalization", name: name, inputs: [inputs[0]] + names, output: output, ["epsilon": .float(epsilon)])
    }
}
