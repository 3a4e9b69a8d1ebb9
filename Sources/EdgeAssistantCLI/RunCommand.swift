import ArgumentParser
import EdgeRuntime
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model once; write each output to DIR/<output name>.npy.")

    @Argument(help: "Model file (.edge or .onnx).") var model: String
    @Option(name: .customLong("input"), help: "NAME=FILE.npy (repeat per input). Missing inputs are an error.")
    var inputs: [String] = []
    @Option(name: .customLong("output-dir"), help: "Directory for the outputs (created if missing).") var outputDir: String
    @Option(help: "Intra-op threads.") var threads: Int = 1

    func run() throws {
        let m = try ModelLoading.load(model)
        let session = try InferenceSession(graph: m.graph, options: SessionOptions(threads: threads))
        let outputs = try session.run(try ModelLoading.inputs(inputs))
        try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
        for (name, tensor) in outputs.sorted(by: { $0.key < $1.key }) {
            let path = (outputDir as NSString).appendingPathComponent(ModelLoading.fileName(forOutput: name) + ".npy")
            try Npy.write(tensor, path: path)
            print("\(name) \(tensor.dtype)\(tensor.shape) -> \(path)")
        }
    }
}
