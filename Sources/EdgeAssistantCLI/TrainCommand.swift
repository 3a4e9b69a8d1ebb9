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
