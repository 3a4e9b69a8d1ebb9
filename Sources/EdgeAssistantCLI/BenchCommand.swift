import ArgumentParser
import EdgeRuntime
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure latency, CPU time and memory of a model on this machine.")

    @Argument(help: "Model file (.edge or .onnx).") var model: String
    @Option(name: .customLong("input"), help: "NAME=FILE.npy; inputs not given get seeded random data.")
    var inputs: [String] = []
    @Option(help: "Intra-op threads.") var threads: Int = 1
    @Option(help: "Timed runs.") var runs: Int = 100
    @Option(help: "Untimed warm-up runs.") var warmup: Int = 5
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard runs > 0, warmup >= 0, threads > 0 else { throw ValidationError("--runs and --threads must be positive") }
    }

    func run() throws {
        let m = try ModelLoading.load(model)
        let session = try InferenceSession(graph: m.graph, options: SessionOptions(threads: threads))
        var feeds = try ModelLoading.randomInputs(for: m.graph)
        for (k, v) in try ModelLoading.inputs(inputs) { feeds[k] = v }
        let ordered = try session.inputs.map { info -> Tensor in
            guard let t = feeds[info.name] else { throw EdgeError(.invalidInput, "missing input '\(info.name)'") }
            return t
        }
        let plan = try session.plan(for: ordered)
        let outputs = try plan.outputTypes.map { try Tensor(zeros: $0.dtype, shape: $0.shape) }
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
        func pct(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)] }
        let result: [(String, String)] = [
            ("model", "\"\(m.metadata.name)\""),
            ("threads", "\(threads)"), ("runs", "\(runs)"),
            ("p50_ms", fmt(pct(0.5))), ("p90_ms", fmt(pct(0.9))), ("p99_ms", fmt(pct(0.99))),
            ("mean_ms", fmt(latencies.reduce(0, +) / Double(runs))), ("min_ms", fmt(latencies[0])),
            ("cpu_ms_per_run", fmt(cpuMs)), ("peak_rss_mb", fmt(ProcessStats.peakRSSMegabytes())),
            ("macs", "\(CostModel.macs(of: plan))"), ("arena_bytes", "\(plan.arenaBytes)"),
            ("isa", "\"\(KernelInfo.activeISA)\""),
        ]
        if json {
            print("{" + result.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
        } else {
            for (k, v) in result { print("\(k.padding(toLength: 16, withPad: " ", startingAt: 0)) \(v)") }
        }
    }

    private func fmt(_ v: Double) -> String { String(format: "%.4f", v) }
}
