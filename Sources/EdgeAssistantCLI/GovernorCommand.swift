import ArgumentParser
import EdgeGovernor
import Foundation

/// `edge-assistant governor …`: look at the governor's inputs and replay it offline.
struct GovernorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "governor",
        abstract: "Inspect the runtime governor's signals or replay it over a generated trace.",
        subcommands: [GovernorSignalsCommand.self, GovernorReplayCommand.self])
}

/// Options shared by the governor subcommands: the policy configuration file.
struct GovernorPolicyOptions: ParsableArguments {
    @Option(help: "Governor policy configuration (JSON; see docs/GOVERNOR.md). Defaults when omitted.")
    var config: String?

    func load() throws -> PolicyConfiguration {
        guard let config else { return PolicyConfiguration() }
        guard let data = FileManager.default.contents(atPath: config) else {
            throw GovernorError(.io, "cannot read governor configuration \(config)")
        }
        do {
            return try PolicyConfiguration.fromJSON(data)
        } catch {
            throw GovernorError(error.code, "\(config): \(error.message)")
        }
    }
}

struct GovernorSignalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signals",
        abstract: "Read battery, CPU and thermal signals twice (one interval apart, for the deltas) and print them with the budget.")

    @Option(help: "sysfs root.") var sysfsRoot = "/sys"
    @Option(help: "procfs root.") var procfsRoot = "/proc"
    @Option(help: "Seconds between the two reads.") var interval = 1.0
    @OptionGroup var policy: GovernorPolicyOptions

    func validate() throws {
        guard interval > 0 && interval <= 60 else { throw ValidationError("--interval must be in (0, 60]") }
    }

    func run() throws {
        var reader = SignalReader(roots: SignalRoots(sysfs: sysfsRoot, procfs: procfsRoot))
        _ = reader.read()
        Thread.sleep(forTimeInterval: interval)
        let (signals, issues) = reader.read()
        let configuration = try policy.load()
        for (_, message) in issues.messages.sorted(by: { $0.key < $1.key }) { print("warning: \(message)") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(signals), as: UTF8.self))
        let budget = configuration.factors.budget(signals: signals, cpuShare: configuration.cpuShare, mode: .balanced, ownUsageCores: 0)
        print("budget (balanced): \(budget.summary)")
    }
}

struct GovernorReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a generated battery-discharge + request trace through the policy in accelerated time.",
        discussion: """
        Compares always-teacher, always-smallest and the governor: total CPU-seconds and
        request-weighted accuracy, from the ladders' cpu_ms and accuracy figures. Ladders come
        from models/<family>/card.json (--models) or a ladder file (--ladders).
        """)

    @Option(help: "Directory of model families (each with card.json).") var models: String?
    @Option(help: "Ladder file: {\"ladders\": [card, …]}.") var ladders: String?
    @Option(help: "Cores of the simulated box.") var cores = 4.0
    @Option(help: "Trace length in hours.") var hours = 8.0
    @Option(help: "Trace seed (same seed, same trace).") var seed: UInt64 = 1
    @OptionGroup var policy: GovernorPolicyOptions

    func validate() throws {
        guard (models == nil) != (ladders == nil) else { throw ValidationError("give exactly one of --models DIR or --ladders FILE") }
    }

    func run() throws {
        let loaded = try ladders.map { try LadderLoader.ladderFile(at: $0) } ?? LadderLoader.modelsDirectory(models!)
        guard !loaded.isEmpty else { throw GovernorError(.invalidLadder, "no card.json under \(models ?? "")") }
        let report = try ReplayReport.run(ladders: loaded, configuration: try policy.load(), cores: cores, hours: hours, seed: seed)
        print(report.table)
    }
}
