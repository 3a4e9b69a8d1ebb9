import ArgumentParser
import EdgeDaemonApp
import EdgeGovernor
import EdgeServer
import Foundation
import Logging

/// `edge-assistant serve`: the daemon (foreground; systemd or `make run` supervises it).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the assistant daemon: HTTP/JSON over a Unix socket.",
        discussion: """
        Options given here override the config file (docs/CONFIG.md). Under systemd socket
        activation (LISTEN_FDS) the passed socket is used and --socket is ignored.
        SIGHUP reloads the config and models; SIGTERM drains in-flight requests and exits.
        """
    )

    @Option(help: "Unix socket path to create (default ./run/edge-assistant.sock).")
    var socket: String?

    @Option(name: .customLong("state-dir"), help: "State directory for the SQLite files (default ./var).")
    var stateDir: String?

    @Option(help: "Models directory: one folder with card.json per family (default ./models).")
    var models: String?

    @Option(help: "YAML config file (docs/CONFIG.md).")
    var config: String?

    @Option(name: .customLong("sysfs-root"), help: "Root of the sysfs tree the governor reads (battery, thermal, cpufreq, cgroup).")
    var sysfsRoot = "/sys"

    @Option(name: .customLong("procfs-root"), help: "Root of the procfs tree the governor reads (CPU load, pressure, own cgroup).")
    var procfsRoot = "/proc"

    @ArgumentParser.Flag(help: "Listen to the microphone (ALSA) for voice commands when a speech model family is loaded.")
    var mic = false

    @Option(name: .customLong("audio-device"), help: "ALSA capture PCM for --mic (e.g. default, hw:1,0, plughw:1).")
    var audioDevice = "default"

    func run() async throws {
        let journal = JournalLogHandler.stderrIsJournal()
        let makeLogger: @Sendable (Logger.Level) -> Logger = { level in
            Logger(label: "edge-assistant") { label in JournalLogHandler(label: label, level: level, syslogPrefix: journal) }
        }
        let options = DaemonOptions(configPath: config, socket: socket, stateDir: stateDir, modelsDir: models)
        do {
            // The state directory as the daemon will resolve it (config file + overrides).
            let resolved = try options.resolveConfig()
            let wiring = try DaemonWiring(
                options: .init(config: resolved, roots: SignalRoots(sysfs: sysfsRoot, procfs: procfsRoot),
                               microphone: mic, audioDevice: audioDevice),
                logger: makeLogger(resolved.logLevel))
            defer { wiring.shutdown() }
            try await Daemon(options: options, plugins: wiring.plugins, makeLogger: makeLogger).run()
        } catch {
            makeLogger(.info).critical("cannot start: \(error)")
            throw ExitCode(1)
        }
    }
}
