import ArgumentParser

/// `edge-assistant data …`: deterministic training-data generators (issue 4).
/// Each generator is its own subcommand in its own file.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Generate training data sets (deterministic from a seed).",
        subcommands: [DataMatchCommand.self]
    )
}
