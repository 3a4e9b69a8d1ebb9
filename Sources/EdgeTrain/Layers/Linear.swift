import CEdgeKernels
import EdgeRuntime

/// Fully connected layer y = x·Wᵀ + b over [N, in] (weight [out, in], exported as Gemm transB=1).
/// Forward and both backward products run `ek_sgemm` on the pool's threads.
public final class Linear: Layer {
    public let name: String
    public let weight: Parameter
    public let bias: Parameter
    public let inFeatures: Int, outFeatures: Int
    public var weightQuant: FakeQuantSpec?

    /// `he`: He init (followed by ReLU); otherwise Xavier (logit / linear outputs).
    public init(name: String, inFeatures: Int, outFeatures: Int, he: Bool = true, rng: inout SplitMix64) {
        self.name = name
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let n = inFeatures * outFeatures
        let w = he ? Initializer.he(n, fanIn: inFeatures, &rng) : Initializer.xavier(n, fanIn: inFeatures, fanOut: outFeatures, &rng)
        weight = Parameter(name: "\(name).weight", shape: [outFeatures, inFeatures], value: w, decays: true, quantAxis: 0)
        bias = Parameter(name: "\(name).bias", shape: [outFeatures], value: [Float](repeating: 0, count: outFeatures), decays: false)
    }

    public var parameters: [Parameter] { [weight, bias] }

    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] {
        guard inputs.count == 1, inputs[0] == [inFeatures] else {
            throw EdgeError(.invalidGraph, "\(name): expects one [\(inFeatures)] input, got \(inputs)")
        }
        return [outFeatures]
    }

    private func effectiveWeight() -> [Float] {
        weightQuant.map { FakeQuant.weights(weight.value, shape: weight.shape, axis: 0, spec: $0) } ?? weight.value
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        let x = inputs[0], n = x.batch
        var y = TTensor(shape: [n, outFeatures])
        let w = effectiveWeight()
        ek_sgemm(0, 1, Int64(n), Int64(outFeatures), Int64(inFeatures), x.data, Int64(inFeatures), w, Int64(inFeatures),
                 0, &y.data, Int64(outFeatures), bias.value, Int32(EK_BIAS_PER_COL.rawValue), ek_activation(kind: 0, alpha: 0, beta: 0), ctx.pool.raw)
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        let x = inputs[0], n = x.batch
        let none = ek_activation(kind: 0, alpha: 0, beta: 0)
        // dW[out, in] += dYᵀ · X
        ek_sgemm(1, 0, Int64(outFeatures), Int64(inFeatures), Int64(n), dy.data, Int64(outFeatures), x.data, Int64(inFeatures),
                 1, &weight.grad, Int64(inFeatures), nil, 0, none, ctx.pool.raw)
        Reduce.channelSums(dy, into: &bias.grad)
        guard needs[0] else { return [nil] }
        var dx = TTensor(shape: x.shape)
        ek_sgemm(0, 0, Int64(n), Int64(inFeatures), Int64(outFeatures), dy.data, Int64(outFeatures), effectiveWeight(), Int64(inFeatures),
                 0, &dx.data, Int64(inFeatures), nil, 0, none, ctx.pool.raw)
        return [dx]
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        let w = graph.constant(weight.name, shape: weight.shape, values: effectiveWeight())
        let b = graph.constant(bias.name, shape: bias.shape, values: bias.value)
        graph.node("Gemm", name: name, inputs: [inputs[0], w, b], output: output, ["transB": .int(1)])
    }
}
