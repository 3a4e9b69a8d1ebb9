import ArgumentParser
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

    func run() async throws {
        let journal = JournalLogHandler.stderrIsJournal()
        let makeLogger: @Sendable (Logger.Level) -> Logger = { level in
            Logger(label: "edge-assistant") { label in JournalLogHandler(label: label, level: level, syslogPrefix: journal) }
        }
        let options = DaemonOptions(configPath: config, socket: socket, stateDir: stateDir, modelsDir: models)
        do {
            try await Daemon(options: options, makeLogger: makeLogger).run()
        } catch {
            makeLogger(.info).critical("cannot start: \(error)")
            throw ExitCode(1)
        }
    }
}
