import ArgumentParser
import EdgeTrain
import Foundation

/// `edge-assistant train-bench`: training samples/s of the speech and detection architectures,
/// optionally with a per-layer-kind forward/backward time breakdown.
struct TrainBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-bench",
        abstract: "Measure training throughput (forward + backward + AdamW) on random data.")

    @Option var threads: Int = 2
    @Option var steps: Int = 5
    @Option(help: "Run only the cases whose name contains this text (e.g. student, teacher, detector, ranker).")
    var only: String?
    @Flag(help: "Print forward/backward time per layer kind.")
    var layers = false

    func run() throws {
        guard threads > 0, steps > 0 else { throw ValidationError("--threads and --steps must be positive") }
        let cases: [(String, () throws -> Network, Int)] = [
            ("speech ds-cnn student (w64 b4) [B,1,98,40]", { try .speechDSCNN(width: 64, blocks: 4) }, 32),
            ("speech ds-cnn teacher (w172 b5) [B,1,98,40]", { try .speechDSCNN(width: 172, blocks: 5) }, 32),
            ("detector w1.0 d2 [B,3,128,128]", { try .detector(width: 1, depth: 2) }, 16),
            ("ranker F16 K4 [B,16]+[B,4]", { try .ranker(features: 16, cardinalities: [5, 4, 4, 64]) }, 256),
        ]
        for (name, make, batch) in cases where only.map({ name.contains($0) }) ?? true {
            let net = try make()
            let r = try TrainBenchmark.measure(name, net, batch: batch, steps: steps, threads: threads, profileLayers: layers)
            print(String(format: "%@: batch %d, %.1f samples/s, %.1f ms/step (cpu %.1f ms/step, %.0f page faults/step, optimizer %.1f ms), %.1f MMACs/sample",
                         name, batch, r.samplesPerSecond, r.msPerStep, r.cpuMsPerStep, r.faultsPerStep, r.optimizerMsPerStep,
                         Double(try net.macs()) / 1e6))
            guard let times = r.layers else { continue }
            for k in times.byKind(net.graph.layers) {
                print(String(format: "    %-22@ forward %7.1f ms/step  backward %7.1f ms/step", k.kind as NSString,
                             k.forward * 1000 / Double(steps), k.backward * 1000 / Double(steps)))
            }
        }
    }
}
