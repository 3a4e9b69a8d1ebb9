import ArgumentParser

/// `edge-assistant data …`: deterministic training-data generators (docs/DATA.md).
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Generate training data deterministically from a seed.",
        subcommands: [DataDetectionCommand.self, DataDetectionCheckCommand.self]
    )
}
