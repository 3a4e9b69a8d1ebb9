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
    @Flag(help: "Also print time per op type and the slowest nodes.") var profile = false

    func validate() throws {
        guard runs > 0, warmup >= 0, threads > 0 else { throw ValidationError("--runs and --threads must be positive") }
    }

    func run() throws {
        let m = try ModelLoading.load(model)
        let session = try InferenceSession(graph: m.graph, options: SessionOptions(threads: threads))
        var feeds = try Benchmark.randomInputs(for: m.graph)
        for (k, v) in try ModelLoading.inputs(inputs) { feeds[k] = v }
        let (plan, r) = try Benchmark.measure(session, feeds: feeds, runs: runs, warmup: warmup)
        let result: [(String, String)] = [
            ("model", "\"\(m.metadata.name)\""),
            ("threads", "\(threads)"), ("runs", "\(runs)"),
            ("p50_ms", fmt(r.p50Ms)), ("p90_ms", fmt(r.p90Ms)), ("p99_ms", fmt(r.p99Ms)),
            ("mean_ms", fmt(r.meanMs)), ("min_ms", fmt(r.minMs)),
            ("cpu_ms_per_run", fmt(r.cpuMsPerRun)), ("peak_rss_mb", fmt(ProcessStats.peakRSSMegabytes())),
            ("macs", "\(r.macs)"), ("arena_bytes", "\(r.arenaBytes)"),
            ("isa", "\"\(KernelInfo.activeISA)\""),
        ]
        if profile {
            try printProfile(plan: plan, inputs: session.inputs.map { feeds[$0.name]! })
        }
        if json {
            print("{" + result.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
        } else {
            for (k, v) in result { print("\(k.padding(toLength: 16, withPad: " ", startingAt: 0)) \(v)") }
        }
    }

    /// Times every step over `runs` executions and prints totals per op type and the 15
    /// slowest nodes, with their share of the inference.
    private func printProfile(plan: Plan, inputs: [Tensor]) throws {
        var seconds = [Double](repeating: 0, count: plan.stepCount)
        let pointers = inputs.map(\.rawPointer)
        pointers.withUnsafeBufferPointer { p in
            for _ in 0..<runs { plan.executeProfiled(inputs: p, stepSeconds: &seconds) }
        }
        let total = seconds.reduce(0, +)
        let nodes = plan.stepNodes
        var byOp: [String: (Double, Int)] = [:]
        for (n, s) in zip(nodes, seconds) { byOp[n.op, default: (0, 0)].0 += s; byOp[n.op, default: (0, 0)].1 += 1 }
        print("op                       ms/run   share  count")
        for (op, (s, c)) in byOp.sorted(by: { $0.value.0 > $1.value.0 }) {
            print("\(op.padding(toLength: 22, withPad: " ", startingAt: 0)) \(fmt(s * 1000 / Double(runs)))  \(String(format: "%5.1f%%", s / total * 100))  \(c)")
        }
        print("slowest nodes:")
        for i in seconds.indices.sorted(by: { seconds[$0] > seconds[$1] }).prefix(15) {
            let n = nodes[i]
            let shapes = n.inputs.prefix(2).compactMap { plan.valueTypes[$0]?.shape.description }.joined(separator: " ")
            print("  \(n.op.padding(toLength: 14, withPad: " ", startingAt: 0)) \(fmt(seconds[i] * 1000 / Double(runs))) ms  \(n.name)  \(shapes)  \(n.attributes.values["group"].map { "group \($0)" } ?? "")")
        }
    }

    private func fmt(_ v: Double) -> String { String(format: "%.4f", v) }
}
