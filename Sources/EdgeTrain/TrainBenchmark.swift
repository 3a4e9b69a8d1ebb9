import EdgeRuntime

/// Training throughput: forward + backward + optimizer step on random data, after warm-up.
public enum TrainBenchmark {
    public struct Result: Sendable {
        public var name: String
        public var batch: Int
        public var samplesPerSecond: Double
        public var msPerStep: Double
    }

    /// Measures `steps` training steps of `network` at `batch` (inputs uniform in [0, 1)).
    public static func measure(_ name: String, _ network: Network, batch: Int, steps: Int, threads: Int) throws(EdgeError) -> Result {
        var rng = SplitMix64(seed: 1)
        let feeds = network.graph.inputs.map { input in
            TTensor(shape: [batch] + input.shape, data: (0..<(batch * input.shape.reduce(1, *))).map { _ in input.integer ? 0 : rng.uniform() })
        }
        let pool = ComputePool(threads: threads)
        let ctx = RunContext(training: true, pool: pool, seed: 1)
        let optimizer = Optimizer(.adamW(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), weightDecay: 1e-4)
        func step() throws(EdgeError) {
            let values = try network.graph.forward(feeds, ctx)
            var seeds = [Int: TTensor]()
            for (_, id) in network.heads { seeds[id] = TTensor(shape: values[id].shape, value: 1 / Float(values[id].count)) }
            network.graph.zeroGrad()
            network.graph.backward(values, seeds: seeds, ctx)
            optimizer.step(network.graph.parameters, lr: 1e-4)
        }
        try step()
        let start = ContinuousClock.now
        for _ in 0..<steps { try step() }
        let e = (ContinuousClock.now - start).components
        let seconds = Double(e.seconds) + Double(e.attoseconds) / 1e18
        return Result(name: name, batch: batch, samplesPerSecond: Double(batch * steps) / seconds, msPerStep: seconds * 1000 / Double(steps))
    }
}

extension Network {
    /// Turns on fake quantization of every conv and linear weight (QAT), `bits` 8 or 4.
    public func enableFakeQuant(bits: Int) {
        for layer in graph.layers {
            if let c = layer as? Conv2D { c.weightQuant = FakeQuantSpec(bits: bits) }
            if let l = layer as? Linear { l.weightQuant = FakeQuantSpec(bits: bits) }
        }
    }

    /// Multiply-accumulates per sample of the exported graph (EdgeRuntime's cost model).
    public func macs() throws(EdgeError) -> Int {
        let graph = try self.graph.exportGraph()
        let session = try InferenceSession(graph: graph)
        let feeds = try self.graph.inputs.map { input throws(EdgeError) in
            try Tensor(zeros: input.integer ? .int64 : .float32, shape: [1] + input.shape)
        }
        return CostModel.macs(of: try session.plan(for: feeds))
    }
}
