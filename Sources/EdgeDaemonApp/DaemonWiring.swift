import EdgeRuntime
import EdgeGovernor
import EdgeServer
import EdgeStore
import EdgeVoice
import Foundation
import Logging
import Synchronization

/// Assembles the daemon's plugins (`DaemonPlugins`): the state database as event sink and
/// player store, the governor as level controller and status section, the inference routes,
/// and the voice pipeline (event hub, optional microphone listener).
public final class DaemonWiring: Sendable {
    /// `serve` options beyond the core daemon's.
    public struct Options: Sendable {
        public var stateDir: String
        public var roots: SignalRoots
        /// Start the ALSA listener (when a speech family is loaded).
        public var microphone: Bool
        public var audioDevice: String
        /// Run the governor's tick loop and the request-summary timer (tests drive both by hand).
        public var governorLoop: Bool
        /// Seconds per request summary in the event log (`event_log.summary_interval_s`).
        public var summaryIntervalSeconds: Double
        /// With `microphone`: switch it on at start (`voice.microphone_on_start`).
        public var microphoneOnStart = true
        /// SSE subscribers whose connection does not take a write for this long are dropped
        /// (`voice.sse_write_timeout_ms`).
        public var sseWriteTimeout: Duration = .seconds(5)
        /// The capture source for `microphone` (ALSA; tests pass a scripted one).
        public var pcmSource: @Sendable () -> any PCMSource = { AlsaPCMSource() }

        public init(stateDir: String, roots: SignalRoots = SignalRoots(), microphone: Bool = false,
                    audioDevice: String = "default", governorLoop: Bool = true, summaryIntervalSeconds: Double = 10) {
            self.stateDir = stateDir
            self.roots = roots
            self.microphone = microphone
            self.audioDevice = audioDevice
            self.governorLoop = governorLoop
            self.summaryIntervalSeconds = summaryIntervalSeconds
        }

        /// The options `serve` derives from the resolved config.
        public init(config: DaemonConfig, roots: SignalRoots, microphone: Bool, audioDevice: String) {
            self.init(stateDir: config.stateDir, roots: roots, microphone: microphone, audioDevice: audioDevice,
                      summaryIntervalSeconds: Double(config.eventLog.summaryIntervalSeconds))
            microphoneOnStart = config.voice.microphoneOnStart
            sseWriteTimeout = .milliseconds(config.voice.sseWriteTimeoutMs)
        }
    }

    public let options: Options
    public let store: StateStore
    public let events: StoreEventSink
    public let governor: GovernorBridge
    public let hub: VoiceEventHub
    public let microphone: MicrophoneControl
    let logger: Logger
    private let summaryLoop = Mutex<Task<Void, Never>?>(nil)
    private let metricsRegistered = Mutex(false)

    /// Opens (or creates) `state.sqlite` under the state directory.
    /// - Throws: `EdgeError` when the database cannot be opened.
    public init(options: Options, logger: Logger) throws {
        self.options = options
        self.logger = logger
        store = try StateStore(directory: options.stateDir)
        let events = StoreEventSink(store: store, logger: logger, summaryInterval: options.summaryIntervalSeconds)
        self.events = events
        hub = VoiceEventHub(log: events)
        microphone = MicrophoneControl(available: options.microphone, device: options.audioDevice, hub: hub,
                                       logger: logger, source: options.pcmSource)
        governor = GovernorBridge(configuration: GovernorConfiguration(roots: options.roots), logger: logger) { events.recordGovernor($0) }
        if options.governorLoop {
            summaryLoop.withLock { $0 = Task.detached { await events.runSummaryLoop() } }
        }
    }

    /// The plugins for `Daemon`. `routes` runs at start-up and on each reload: it (re)attaches
    /// the governor to the registry's catalog and starts the microphone once a speech family exists.
    public var plugins: DaemonPlugins {
        DaemonPlugins(levelController: governor, events: events, statusSections: [governor, VoiceStatus(wiring: self)],
                      routes: { [self] registry, metrics in routes(registry: registry, metrics: metrics) },
                      willDrain: { [self] in stopBackground() })
    }

    public func routes(registry: ModelRegistry, metrics: ServerMetrics) -> [Route] {
        governor.attach(to: registry, runLoop: options.governorLoop)
        publishGovernorMetrics(to: metrics, registry: registry)
        let governor = self.governor
        let services = InferenceServices(registry: registry, metrics: metrics, countRequest: { governor.recordRequest(family: $0) },
                                         resolve: { governor.resolve(family: $0, constraints: $1) })
        microphone.attach(services, onStart: options.microphoneOnStart)
        return VisionRoutes.routes(services) + SpeechRoutes.routes(services) + MatchRoutes.routes(services, store: store)
            + VoiceRoutes.routes(hub: hub, writeTimeout: options.sseWriteTimeout) + MicrophoneRoutes.routes(microphone)
    }

    /// Registers the governor's gauges with `metrics` once (routes are rebuilt on every reload;
    /// the collector reads whichever governor is current).
    func publishGovernorMetrics(to metrics: ServerMetrics, registry: ModelRegistry) {
        let first = metricsRegistered.withLock { done in defer { done = true }; return !done }
        guard first else { return }
        let collector = GovernorMetrics(bridge: governor, registry: registry)
        metrics.addCollector { collector.collect(into: $0) }
    }

    /// Stops the microphone and the governor loop and ends every SSE stream (before the drain).
    public func stopBackground() {
        microphone.shutdown()
        hub.closeAll(reason: "daemon stopping")
        governor.detach()
    }

    /// `stopBackground`, writes the last request summaries, then closes the database (after
    /// the server has stopped, so every answered request is in a summary). Closing waits for
    /// the queued writes: GRDB's writer queue is serial.
    public func shutdown() {
        stopBackground()
        summaryLoop.withLock { $0?.cancel(); $0 = nil }
        events.flushSummaries(force: true)
        try? store.close()
    }
}

/// `voice` section of `GET /v1/status`: the microphone (`available`, `enabled`, the listener's
/// status) and the SSE subscriber count.
struct VoiceStatus: StatusSection {
    let wiring: DaemonWiring
    var key: String { "voice" }

    func snapshot() -> JSONValue {
        let mic = wiring.microphone.state
        var object: [String: JSONValue] = [
            "available": .bool(mic.available), "enabled": .bool(mic.enabled), "listening": .bool(mic.enabled),
            "subscribers": .number(Double(wiring.hub.subscriberCount)),
        ]
        if let status = mic.listener, let data = try? JSONCoding.encoder.encode(status),
           case .object(let listener)? = try? JSONCoding.decoder.decode(JSONValue.self, from: data) {
            object.merge(listener) { mine, _ in mine }
        }
        return .object(object)
    }
}
