import ArgumentParser

/// `edge-assistant data …`: deterministic training-data generators and checkers
/// (one subcommand per family, each in its own file; docs/DATA.md).
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Generate and check training data sets (deterministic from a seed).",
        subcommands: [
            SpeechDataCommand.self, SpeechDataCheckCommand.self,
            DataDetectionCommand.self, DataDetectionCheckCommand.self,
            DataMatchCommand.self, DataMatchPrepCommand.self,
            DataCalibrationCommand.self,
        ]
    )
}
