import ArgumentParser
import EdgeRuntime
import EdgeTrain
import Foundation

/// `edge-assistant train`: trains an architecture on a .npy data directory and writes a .edge model.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model family architecture on .npy data (or measure training speed with --bench).")

    @OptionGroup var options: TrainingOptions

    func run() throws {
        let net = try options.network()
        let data = try DataLoading.load(options.data, options.expectation(net))
        try options.train(net, options.objective(), data)
    }
}

/// `edge-assistant train-bench`: training samples/s of the speech and detection architectures.
struct TrainBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-bench",
        abstract: "Measure training throughput (forward + backward + AdamW) on random data.")

    @Option var threads: Int = 2
    @Option var steps: Int = 5

    func run() throws {
        let cases: [(String, Network, Int)] = [
            ("speech ds-cnn student (w64 b4) [B,1,98,40]", try .speechDSCNN(width: 64, blocks: 4), 32),
            ("speech ds-cnn teacher (w172 b5) [B,1,98,40]", try .speechDSCNN(width: 172, blocks: 5), 32),
            ("detector w1.0 d2 [B,3,128,128]", try .detector(width: 1, depth: 2), 16),
            ("ranker F16 K4 [B,16]+[B,4]", try .ranker(features: 16, cardinalities: [5, 4, 4, 64]), 256),
        ]
        for (name, net, batch) in cases {
            let r = try TrainBenchmark.measure(name, net, batch: batch, steps: steps, threads: threads)
            print(String(format: "%@: batch %d, %.1f samples/s, %.1f ms/step, %.1f MMACs/sample", name, batch, r.samplesPerSecond,
                         r.msPerStep, Double(try net.macs()) / 1e6))
        }
    }
}
