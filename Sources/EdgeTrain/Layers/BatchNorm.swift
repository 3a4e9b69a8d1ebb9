import CEdgeKernels
import EdgeRuntime

/// Batch normalization over the channel axis of [N, C, …] (spatial dims optional).
/// Train mode normalises with the batch statistics (biased variance) and updates the running
/// ones (unbiased variance, momentum 0.1, as PyTorch); eval mode uses the running statistics.
/// Exported as an inference BatchNormalization, which the graph optimiser folds into the conv.
/// Statistics and backward run one channel per pool task on the `ek_channel_*` / `ek_bn_*` kernels.
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
    /// Clamp range of a ReLU / ReLU6 fused into this layer's output by `TrainGraph` (the Activation
    /// layer then passes the value through); nil: plain batch norm.
    var fusedClamp: (lo: Float, hi: Float)?

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
        let x = inputs[0], n = x.batch, plane = x.itemCount / channels, m = n * plane, stride = channels * plane
        var y = TTensor(uninitializedShape: x.shape)
        var mean = runningMean.value, variance = runningVar.value
        if ctx.training {
            guard m > 1 else { throw EdgeError(.invalidInput, "\(name): batch statistics need more than one value per channel") }
            // One channel per task: each channel's sums run in a fixed order on one thread (deterministic).
            x.data.withUnsafeBufferPointer { xp in
                mean.withUnsafeMutableBufferPointer { mp in
                    variance.withUnsafeMutableBufferPointer { vp in
                        ctx.pool.parallelFor(channels) { lo, hi in
                            for c in lo..<hi {
                                ek_channel_moments(xp.baseAddress! + c * plane, Int64(n), Int64(stride), Int64(plane), mp.baseAddress! + c, vp.baseAddress! + c)
                            }
                        }
                    }
                }
            }
            let unbias = Float(m) / Float(m - 1)
            for c in 0..<channels {
                runningMean.value[c] += momentum * (mean[c] - runningMean.value[c])
                runningVar.value[c] += momentum * (variance[c] * unbias - runningVar.value[c])
            }
        }
        invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let (g, b, s) = (gamma.value, beta.value, invStd)
        let (clampLo, clampHi) = fusedClamp ?? (-.infinity, .infinity)
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                ctx.pool.parallelFor(channels) { lo, hi in
                    for c in lo..<hi {
                        // y = (x − μ)·σ⁻¹·γ + β as one affine map per channel.
                        let scale = s[c] * g[c]
                        ek_channel_affine(xp.baseAddress! + c * plane, yp.baseAddress! + c * plane, Int64(n), Int64(stride), Int64(plane),
                                          scale, b[c] - mean[c] * scale, clampLo, clampHi)
                    }
                }
            }
        }
        if ctx.training { savedMean = mean } else { savedMean = [] }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        let x = inputs[0], n = x.batch, plane = x.itemCount / channels, m = Float(n * plane), stride = channels * plane
        // x̂ is recomputed from x (cheaper than storing it): batch mean in train mode, running mean in eval.
        let mean = savedMean.isEmpty ? runningMean.value : savedMean
        let training = !savedMean.isEmpty
        let (g, s) = (gamma.value, invStd)
        var sumDy = [Float](repeating: 0, count: channels), sumDyXc = sumDy
        var dx = TTensor(uninitializedShape: x.shape)
        // A fused ReLU/ReLU6 passed dy through: gate it here by this layer's (activated) output.
        let (gateLo, gateHi) = fusedClamp ?? (0, 0)
        let gated = fusedClamp != nil
        withPointers(x, output, dy, &dx, &sumDy, &sumDyXc) { xp, yp, dp, op, sp, sxp in
            ctx.pool.parallelFor(channels) { lo, hi in
                for c in lo..<hi {
                    let off = c * plane
                    let gate = ek_gate(y: gated ? yp + off : nil, lo: gateLo, hi: gateHi)
                    ek_bn_backward_sums(xp + off, dp + off, gate, Int64(n), Int64(stride), Int64(plane), mean[c], sp + c, sxp + c)
                    // Train: dx = γ·σ⁻¹/m · (m·dy − Σdy − x̂·Σ(dy·x̂)); eval: dx = γ·σ⁻¹·dy.
                    // With x̂ = (x − μ)·σ⁻¹: dx = γσ⁻¹·(dy − Σdy/m − (x − μ)·σ⁻²·Σdy(x − μ)/m).
                    let (cy, cx) = training ? (sp[c] / m, sxp[c] * s[c] * s[c] / m) : (0, 0)
                    ek_bn_backward_dx(xp + off, dp + off, gate, op + off, Int64(n), Int64(stride), Int64(plane), mean[c], g[c] * s[c], cy, cx)
                }
            }
        }
        for c in 0..<channels {
            gamma.grad[c] += sumDyXc[c] * s[c]
            beta.grad[c] += sumDy[c]
        }
        return [dx]
    }

    /// Base pointers of the backward pass's arrays (three read, three written).
    private func withPointers(_ x: TTensor, _ y: TTensor, _ dy: TTensor, _ dx: inout TTensor, _ s1: inout [Float], _ s2: inout [Float],
                              _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                                       UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeBufferPointer { yp in
                dy.data.withUnsafeBufferPointer { dp in
                    dx.data.withUnsafeMutableBufferPointer { op in
                        s1.withUnsafeMutableBufferPointer { a in
                            s2.withUnsafeMutableBufferPointer { b in
                                body(xp.baseAddress!, yp.baseAddress!, dp.baseAddress!, op.baseAddress!, a.baseAddress!, b.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        let names = [gamma, beta, runningMean, runningVar].map { graph.constant($0.name, shape: $0.shape, values: $0.value) }
        graph.node("BatchNormalization", name: name, inputs: [inputs[0]] + names, output: output, ["epsilon": .float(epsilon)])
    }
}
