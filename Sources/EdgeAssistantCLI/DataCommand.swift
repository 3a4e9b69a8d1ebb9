import ArgumentParser

/// `edge-assistant data …`: deterministic training-data generators and checkers
/// (one subcommand per family, each in its own file).
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Generate and check training data sets (deterministic from a seed).",
        subcommands: [SpeechDataCommand.self, SpeechDataCheckCommand.self, DataMatchCommand.self]
    )
}
