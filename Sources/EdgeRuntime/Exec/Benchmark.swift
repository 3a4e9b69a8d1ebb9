/// Latency and CPU time of a session on this machine: the measurement behind `bench` and the
/// compression reports, kept in one place so both report the same figures.
public enum Benchmark {
    /// Figures of `runs` timed inferences after `warmup` untimed ones.
    public struct Result: Sendable {
        public var runs: Int
        public var p50Ms: Double, p90Ms: Double, p99Ms: Double, meanMs: Double, minMs: Double
        /// Process CPU time (all threads) per inference.
        public var cpuMsPerRun: Double
        public var macs: Int
        public var arenaBytes: Int
    }

    /// Times `session` on `feeds` (by input name; every runtime input must be present).
    /// Returns the compiled plan too (for profiling and cost figures).
    public static func measure(_ session: InferenceSession, feeds: [String: Tensor], runs: Int, warmup: Int) throws(EdgeError) -> (Plan, Result) {
        guard runs > 0, warmup >= 0 else { throw EdgeError(.invalidInput, "runs must be positive and warm-up non-negative") }
        let ordered = try session.inputs.map { (info) throws(EdgeError) -> Tensor in
            guard let t = feeds[info.name] else { throw EdgeError(.invalidInput, "missing input '\(info.name)'") }
            return t
        }
        let plan = try session.plan(for: ordered)
        let outputs = try plan.outputTypes.map { (t) throws(EdgeError) in try Tensor(zeros: t.dtype, shape: t.shape) }
        for _ in 0..<warmup { try session.run(inputs: ordered, outputs: outputs) }
        var latencies = [Double](repeating: 0, count: runs)
        let cpuStart = ProcessStats.cpuSeconds()
        for i in 0..<runs {
            let t0 = ProcessStats.monotonicSeconds()
            try session.run(inputs: ordered, outputs: outputs)
            latencies[i] = (ProcessStats.monotonicSeconds() - t0) * 1000
        }
        let cpuMs = (ProcessStats.cpuSeconds() - cpuStart) * 1000 / Double(runs)
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies[min(runs - 1, max(0, Int((Double(runs) * p).rounded(.up)) - 1))] }
        let result = Result(runs: runs, p50Ms: pct(0.5), p90Ms: pct(0.9), p99Ms: pct(0.99),
                            meanMs: latencies.reduce(0, +) / Double(runs), minMs: latencies[0], cpuMsPerRun: cpuMs,
                            macs: CostModel.macs(of: plan), arenaBytes: plan.arenaBytes)
        return (plan, result)
    }

    /// Seeded random inputs for every runtime input of `graph`, symbolic dimensions set to 1:
    /// floats uniform in [-1, 1), integers in [0, 8).
    public static func randomInputs(for graph: Graph, seed: UInt64 = 42) throws(EdgeError) -> [String: Tensor] {
        var state = seed
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        var feeds: [String: Tensor] = [:]
        for info in graph.runtimeInputs {
            guard let dims = info.shape else {
                throw EdgeError(.invalidInput, "input '\(info.name)' has unknown rank; pass it with --input")
            }
            let shape = dims.map { $0.value ?? 1 }
            let n = try ShapeMath.elementCount(shape)
            switch info.dtype {
            case .float32: feeds[info.name] = try Tensor((0..<n).map { _ in next() }, shape: shape)
            case .int64: feeds[info.name] = try Tensor((0..<n).map { _ in Int64(abs(next()) * 8) }, shape: shape)
            case .int32: feeds[info.name] = try Tensor((0..<n).map { _ in Int32(abs(next()) * 8) }, shape: shape)
            default: throw EdgeError(.invalidInput, "cannot invent \(info.dtype) input '\(info.name)'; pass it with --input")
            }
        }
        return feeds
    }
}
