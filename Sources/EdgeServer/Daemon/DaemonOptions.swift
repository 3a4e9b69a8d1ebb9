import Foundation

/// How the daemon was started: the config file (optional) and command-line overrides, which
/// win over the file on start and on every reload.
public struct DaemonOptions: Sendable {
    public var configPath: String?
    public var socket: String?
    public var stateDir: String?
    public var modelsDir: String?

    public init(configPath: String? = nil, socket: String? = nil, stateDir: String? = nil, modelsDir: String? = nil) {
        self.configPath = configPath
        self.socket = socket
        self.stateDir = stateDir
        self.modelsDir = modelsDir
    }

    /// Reads the config file (defaults when none was given) and applies the overrides.
    public func resolveConfig() throws(ConfigError) -> DaemonConfig {
        var config = try configPath.map { path throws(ConfigError) in try ConfigLoader.load(path: path) } ?? DaemonConfig()
        if let socket { config.socket = socket }
        if let stateDir { config.stateDir = stateDir }
        if let modelsDir { config.modelsDir = modelsDir }
        try config.validate()
        return config
    }
}

/// The pieces other modules plug into the daemon (see `Integration.swift`).
public struct DaemonPlugins: Sendable {
    public var levelController: any ModelLevelController
    public var events: any EventSink
    public var statusSections: [any StatusSection]
    /// Extra routes (inference endpoints), built once the registry exists.
    public var routes: @Sendable (ModelRegistry, ServerMetrics) -> [Route]
    /// Called on SIGTERM/SIGINT before connections drain: end long-lived responses (SSE) and
    /// background work here so the drain does not wait for them.
    public var willDrain: @Sendable () -> Void

    public init(levelController: any ModelLevelController = MostAccurateLevelController(),
                events: any EventSink = NullEventSink(), statusSections: [any StatusSection] = [],
                routes: @escaping @Sendable (ModelRegistry, ServerMetrics) -> [Route] = { _, _ in [] },
                willDrain: @escaping @Sendable () -> Void = {}) {
        self.levelController = levelController
        self.events = events
        self.statusSections = statusSections
        self.routes = routes
        self.willDrain = willDrain
    }
}
