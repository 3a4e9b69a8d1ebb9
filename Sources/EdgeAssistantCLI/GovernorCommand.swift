import ArgumentParser
import EdgeGovernor
import EdgeRuntime
import Foundation

/// `edge-assistant governor …`: look at the governor's inputs and replay it offline.
struct GovernorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "governor",
        abstract: "Inspect the runtime governor's signals or replay it over a generated trace.",
        subcommands: [GovernorSignalsCommand.self, GovernorWatchCommand.self, GovernorReplayCommand.self])
}

/// Options shared by the governor subcommands: the policy configuration file.
struct GovernorPolicyOptions: ParsableArguments {
    @Option(help: "Governor policy configuration (JSON; see docs/GOVERNOR.md). Defaults when omitted.")
    var config: String?

    func load() throws -> PolicyConfiguration {
        guard let config else { return PolicyConfiguration() }
        guard let data = FileManager.default.contents(atPath: config) else {
            throw EdgeError(.io, "cannot read governor configuration \(config)")
        }
        do {
            return try PolicyConfiguration.fromJSON(data)
        } catch {
            throw EdgeError(error.code, "\(config): \(error.message)")
        }
    }
}

/// Where the ladders come from: model cards or a ladder file.
struct GovernorLadderOptions: ParsableArguments {
    @Option(help: "Directory of model families (each with card.json).") var models: String?
    @Option(help: "Ladder file: {\"ladders\": [card, …]}.") var ladders: String?

    func validate() throws {
        guard (models == nil) != (ladders == nil) else { throw ValidationError("give exactly one of --models DIR or --ladders FILE") }
    }

    func load() throws -> [ModelLadder] {
        let loaded = try ladders.map { try LadderLoader.ladderFile(at: $0) } ?? LadderLoader.modelsDirectory(models!)
        guard !loaded.isEmpty else { throw EdgeError(.invalidLadder, "no card.json under \(models ?? "")") }
        return loaded
    }
}

/// sysfs / procfs roots.
struct GovernorRootOptions: ParsableArguments {
    @Option(help: "sysfs root.") var sysfsRoot = "/sys"
    @Option(help: "procfs root.") var procfsRoot = "/proc"

    var roots: SignalRoots { SignalRoots(sysfs: sysfsRoot, procfs: procfsRoot) }
}

struct GovernorSignalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signals",
        abstract: "Read battery, CPU and thermal signals twice (one interval apart, for the deltas) and print them with the budget.")

    @OptionGroup var roots: GovernorRootOptions
    @Option(help: "Seconds between the two reads.") var interval = 1.0
    @OptionGroup var policy: GovernorPolicyOptions

    func validate() throws {
        guard interval > 0 && interval <= 60 else { throw ValidationError("--interval must be in (0, 60]") }
    }

    func run() throws {
        var reader = SignalReader(roots: roots.roots)
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

    @OptionGroup var ladders: GovernorLadderOptions
    @Option(help: "Cores of the simulated box.") var cores = 4.0
    @Option(help: "Trace length in hours.") var hours = 8.0
    @Option(help: "Trace seed (same seed, same trace).") var seed: UInt64 = 1
    @OptionGroup var policy: GovernorPolicyOptions

    func run() throws {
        let report = try ReplayReport.run(ladders: ladders.load(), configuration: try policy.load(), cores: cores, hours: hours, seed: seed)
        print(report.table)
    }
}

struct GovernorWatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Run the real governor loop on this box (no traffic) and print its actions and its own CPU use.")

    @OptionGroup var ladders: GovernorLadderOptions
    @OptionGroup var roots: GovernorRootOptions
    @OptionGroup var policy: GovernorPolicyOptions
    @Option(help: "How long to run, in seconds.") var seconds = 10.0
    @Option(help: "Seconds between ticks.") var interval = 1.0

    func validate() throws {
        guard seconds > 0 && seconds <= 86400 else { throw ValidationError("--seconds must be in (0, 86400]") }
    }

    func run() throws {
        let configuration = GovernorConfiguration(roots: roots.roots, tickInterval: interval, policy: try policy.load())
        let governor = try Governor(configuration: configuration, ladders: ladders.load()) { event in
            switch event {
            case .action(let action): print("action: \(action)")
            case .warning(let message): print("warning: \(message)")
            }
        }
        let before = ProcessStats.cpuSeconds(), start = Date()
        let loop = Task { await governor.run() }
        Thread.sleep(forTimeInterval: seconds)
        loop.cancel()
        let cpu = ProcessStats.cpuSeconds() - before, wall = Date().timeIntervalSince(start)
        let status = governor.status
        for model in status.models { print("\(model.model): \(model.variant) — \(model.reason)") }
        print(String(format: "%d ticks in %.1f s; governor process CPU %.4f s = %.3f%% of one core",
                     status.counters.ticks, wall, cpu, 100 * cpu / wall))
    }
}
