#if canImport(Glibc)
import Glibc
#endif
import EdgeRuntime

/// Training throughput: forward + backward + optimizer step on random data, after warm-up.
public enum TrainBenchmark {
    public struct Result: Sendable {
        public var name: String
        public var batch: Int
        public var samplesPerSecond: Double
        public var msPerStep: Double
        /// Process CPU time (user + system, all threads) per step: less sensitive to other load than wall time.
        public var cpuMsPerStep: Double
        /// Minor page faults per step (fresh memory touched: the cost of allocating per step).
        public var faultsPerStep: Double
        /// Wall ms per step spent in the optimizer (clipping excluded).
        public var optimizerMsPerStep: Double
        /// Per-layer times summed over the measured steps (when requested).
        public var layers: LayerTimes?
    }

    /// Measures `steps` training steps of `network` at `batch` (inputs uniform in [0, 1)).
    public static func measure(_ name: String, _ network: Network, batch: Int, steps: Int, threads: Int,
                               profileLayers: Bool = false) throws(EdgeError) -> Result {
        var rng = SplitMix64(seed: 1)
        let feeds = network.graph.inputs.map { input in
            TTensor(shape: [batch] + input.shape, data: (0..<(batch * input.shape.reduce(1, *))).map { _ in input.integer ? 0 : rng.uniform() })
        }
        let pool = ComputePool(threads: threads)
        let ctx = RunContext(training: true, pool: pool, seed: 1)
        if profileLayers { ctx.profile = LayerTimes() }
        let optimizer = Optimizer(.adamW(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), weightDecay: 1e-4)
        var optimizerSeconds = 0.0
        func step() throws(EdgeError) {
            let values = try network.graph.forward(feeds, ctx)
            var seeds = [Int: TTensor]()
            for (_, id) in network.heads { seeds[id] = TTensor(shape: values[id].shape, value: 1 / Float(values[id].count)) }
            network.graph.zeroGrad()
            network.graph.backward(values, seeds: seeds, ctx)
            let t0 = LayerTimes.now()
            optimizer.step(network.graph.parameters, lr: 1e-4)
            optimizerSeconds += LayerTimes.now() - t0
        }
        try step()
        ctx.profile?.reset()
        optimizerSeconds = 0
        let usage0 = Usage.now()
        let start = LayerTimes.now()
        for _ in 0..<steps { try step() }
        let seconds = LayerTimes.now() - start
        let usage = Usage.now() - usage0
        return Result(name: name, batch: batch, samplesPerSecond: Double(batch * steps) / seconds, msPerStep: seconds * 1000 / Double(steps),
                      cpuMsPerStep: usage.cpuSeconds * 1000 / Double(steps), faultsPerStep: usage.faults / Double(steps),
                      optimizerMsPerStep: optimizerSeconds * 1000 / Double(steps), layers: ctx.profile)
    }

    /// Process resource usage (getrusage).
    struct Usage {
        var cpuSeconds: Double
        var faults: Double

        static func now() -> Usage {
            var u = rusage()
            getrusage(RUSAGE_SELF.rawValue, &u)
            func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
            return Usage(cpuSeconds: s(u.ru_utime) + s(u.ru_stime), faults: Double(u.ru_minflt))
        }

        static func - (a: Usage, b: Usage) -> Usage { Usage(cpuSeconds: a.cpuSeconds - b.cpuSeconds, faults: a.faults - b.faults) }
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
