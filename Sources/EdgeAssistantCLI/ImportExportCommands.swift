import ArgumentParser
import EdgeONNX
import EdgeRuntime
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert an ONNX model (opsets 6–21) into an EdgeAssistant model file.",
        discussion: "The graph is optimised once here (BatchNorm folded, activations fused), so loading the result maps the weights without copying them.")

    @Argument(help: "ONNX file.") var input: String
    @Option(name: .shortAndLong, help: "Output model file (.edge).") var output: String
    @Option(help: "Model family name (default: file name).") var name: String?
    @Option(help: "Task: speech-commands, detection, recommendation or generic.") var task: String = "generic"
    @Option(help: "Comma-separated class labels.") var labels: String?
    @Option(help: "One-line description stored in the metadata.") var description: String?
    @Flag(help: "Store the graph as imported, without optimisation.") var noOptimize = false

    func run() throws {
        let url = URL(fileURLWithPath: input)
        var graph = try ONNXImporter.load(contentsOf: url)
        if !noOptimize { graph = try GraphOptimizer.optimize(graph) }
        var meta = ModelMetadata(name: name ?? url.deletingPathExtension().lastPathComponent, task: task, description: description,
                                 labels: labels.map { $0.split(separator: ",").map(String.init) } ?? [],
                                 extra: ["source": url.lastPathComponent])
        meta.measured.parameters = CostModel.parameterCount(graph)
        try ModelFile.write(Model(graph: graph, metadata: meta), to: output)
        print("wrote \(output): \(graph.nodes.count) nodes, \(meta.measured.parameters ?? 0) parameters")
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model as ONNX (opset 21) so ONNX Runtime and other tools can run it.")

    @Argument(help: "Model file (.edge or .onnx).") var input: String
    @Option(name: .shortAndLong, help: "Output ONNX file.") var output: String

    func run() throws {
        let m = try ModelLoading.load(input)
        let bytes = try ONNXExporter.encode(m.graph)
        try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        print("wrote \(output)")
    }
}
