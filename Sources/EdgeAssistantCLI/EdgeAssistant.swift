import ArgumentParser

/// `edge-assistant`: the daemon and the toolchain around it, in one binary.
@main
struct EdgeAssistant: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-assistant",
        abstract: "On-device inference engine and assistant daemon for Linux edge boxes.",
        discussion: """
        MODEL arguments accept EdgeAssistant model files (.edge) and ONNX files (.onnx).
        Tensors are exchanged as NumPy .npy files.
        """,
        subcommands: [
            InfoCommand.self, RunCommand.self, BenchCommand.self, ImportCommand.self, ExportCommand.self,
            CompressCommand.self, DataCommand.self, GovernorCommand.self,
            TrainCommand.self, TrainBenchCommand.self, DistillCommand.self, VoiceCLI.self,
            ServeCommand.self, QueryCommand.self, EvalCommand.self,
        ]
    )
}
