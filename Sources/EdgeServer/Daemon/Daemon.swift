import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix

/// `edge-assistant serve`: loads config and models, opens (or adopts) the socket, serves, and
/// handles the process lifecycle — sd_notify READY/STATUS/WATCHDOG/STOPPING, SIGHUP reload,
/// SIGTERM/SIGINT drain.
public final class Daemon: @unchecked Sendable {
    let options: DaemonOptions
    let plugins: DaemonPlugins
    let notifier: SystemdNotifier
    let makeLogger: @Sendable (Logger.Level) -> Logger
    let metrics = ServerMetrics()
    let started = Date()
    // Set in `run`, touched only by the run task afterwards.
    var config = DaemonConfig()
    var registry: ModelRegistry!
    var queue: InferenceQueue!
    var box: ServerContextBox!

    public init(options: DaemonOptions, plugins: DaemonPlugins = DaemonPlugins(), notifier: SystemdNotifier = SystemdNotifier(),
                makeLogger: @escaping @Sendable (Logger.Level) -> Logger) {
        self.options = options
        self.plugins = plugins
        self.notifier = notifier
        self.makeLogger = makeLogger
    }

    /// Runs until SIGTERM or SIGINT, then drains. Throws a startup error (bad config, models,
    /// socket in use) before anything is served.
    public func run() async throws {
        config = try options.resolveConfig()
        let logger = makeLogger(config.logLevel)
        try Self.makeStateDirectory(config.stateDir)
        let catalog = try loadCatalog(config.modelsDir, logger: logger)
        registry = ModelRegistry(catalog: catalog, controller: plugins.levelController, events: plugins.events, metrics: metrics)
        queue = InferenceQueue(workers: config.inference.resolvedWorkers, capacity: config.inference.queueCapacity,
                               retryAfterSeconds: config.inference.retryAfterSeconds, metrics: metrics)
        box = ServerContextBox(makeContext(config, logger: logger))

        let signals = SignalStream([SIGTERM, SIGINT, SIGHUP])
        let (fd, listener, where_) = try openSocket(logger: logger)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: config.eventLoopThreads)
        let server: HTTPServer
        do {
            server = try await HTTPServer(fd: fd, context: box, group: group)
        } catch {
            listener?.removeFiles()
            try? await group.shutdownGracefully()
            throw error
        }
        let summary = "serving \(catalog.families.count) model famil\(catalog.families.count == 1 ? "y" : "ies") on \(where_)"
        logger.info("ready", metadata: ["socket": "\(where_)", "models": "\(catalog.names.joined(separator: ","))",
                                        "pid": "\(getpid())", "workers": "\(queue.workers)"])
        notifier.ready(status: summary)
        let watchdog = startWatchdog()

        for await signal in signals.stream {
            if signal == SIGHUP {
                reload()
                continue
            }
            logger.notice("shutting down: draining in-flight requests", metadata: ["signal": "\(signal)", "connections": "\(server.connectionCount)"])
            break
        }
        notifier.stopping()
        watchdog?.cancel()
        plugins.willDrain()
        await server.drain(timeout: .milliseconds(Int64(config.limits.drainTimeoutMs)))
        try? await queue.shutdown()
        try? await group.shutdownGracefully()
        listener?.removeFiles()
        signals.cancel()
        box.value.logger.info("stopped")
    }

    func makeContext(_ config: DaemonConfig, logger: Logger) -> ServerContext {
        var router = Router(CoreRoutes.all(registry: registry, metrics: metrics, sections: plugins.statusSections, started: started))
        for route in plugins.routes(registry, metrics) { router.add(route) }
        return ServerContext(router: router, policy: config.accessPolicy, limits: config.limits, queue: queue,
                             metrics: metrics, events: plugins.events, logger: logger)
    }

    func loadCatalog(_ directory: String, logger: Logger) throws -> ModelCatalog {
        let catalog = try ModelCatalog.load(directory: directory)
        for name in catalog.skipped {
            logger.notice("not a model family (no card.json), skipped", metadata: ["directory": "\(directory)/\(name)"])
        }
        return catalog
    }

    /// The systemd-passed socket if there is one, else our own at `config.socket`.
    func openSocket(logger: Logger) throws -> (Int32, SocketListener?, String) {
        if let passed = try SocketActivation.adopt() {
            logger.info("using socket from systemd", metadata: ["fd": "\(passed.fd)", "name": "\(passed.name)"])
            return (passed.fd, nil, "systemd socket '\(passed.name)'")
        }
        let listener = try SocketListener(path: config.socket)
        return (listener.fd, listener, config.socket)
    }

    /// Pings the systemd watchdog at half its interval from a task that does nothing else, so a
    /// wedged event loop does not stop the pings but a dead process does.
    func startWatchdog() -> Task<Void, Never>? {
        guard let interval = notifier.watchdogInterval else { return nil }
        let notifier = notifier
        return Task.detached {
            while !Task.isCancelled {
                notifier.watchdog()
                try? await Task.sleep(for: interval / 2)
            }
        }
    }

    static func makeStateDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
        } catch {
            throw ConfigError("cannot create state directory \(path): \(error.localizedDescription)")
        }
    }
}
