import Foundation
import Logging

/// Everything the daemon reads from its config file (YAML) and command line. Every key has a
/// default (docs/CONFIG.md lists them); unknown keys are errors so typos do not pass silently.
public struct DaemonConfig: Sendable, Equatable {
    /// Unix socket path to create (ignored under systemd socket activation).
    public var socket = "./run/edge-assistant.sock"
    /// Directory for the SQLite state files.
    public var stateDir = "./var"
    /// Directory holding one folder per model family.
    public var modelsDir = "./models"
    /// Event-loop threads for connections (one is enough for a local socket; inference has its own).
    public var eventLoopThreads = 1
    public var logLevel: Logger.Level = .info
    public var limits = Limits()
    public var inference = Inference()
    public var access: [RouteGroup: AccessRule] = AccessPolicy.defaultRules
    public var eventLog = EventLog()
    public var voice = Voice()

    public init() {}

    /// The state database's event log.
    public struct EventLog: Sendable, Equatable {
        /// Answered requests are written as one summary per route/model/variant/status class
        /// every this many seconds (and on graceful shutdown).
        public var summaryIntervalSeconds = 10
        public init() {}
    }

    /// The microphone and voice-event clients.
    public struct Voice: Sendable, Equatable {
        /// With `serve --mic`: whether the microphone is on at start (`PUT /v1/voice/mic` toggles it).
        public var microphoneOnStart = true
        /// A `GET /v1/voice/events` subscriber whose connection takes longer than this to accept
        /// a write is disconnected.
        public var sseWriteTimeoutMs = 5_000
        public init() {}
    }

    /// Connection and request limits.
    public struct Limits: Sendable, Equatable {
        /// Largest total size of a request's header names and values.
        public var maxHeaderBytes = 16 * 1024
        /// Largest request body; bigger ones get 413.
        public var maxBodyBytes = 16 * 1024 * 1024
        /// Connections beyond this are closed right after accept.
        public var maxConnections = 256
        /// A request must be fully received this long after its first byte (else 408, close).
        public var requestTimeoutMs = 10_000
        /// A connection with no request in progress is closed after this long without bytes.
        public var idleTimeoutMs = 60_000
        /// On SIGTERM, in-flight requests get this long to finish before connections are closed.
        public var drainTimeoutMs = 10_000
        public init() {}
    }

    /// The inference worker pool and its queue.
    public struct Inference: Sendable, Equatable {
        /// Worker threads; 0 means one per online CPU.
        public var workers = 0
        /// Requests waiting for a worker beyond this get 503 with Retry-After.
        public var queueCapacity = 32
        /// Value of the Retry-After header on 503.
        public var retryAfterSeconds = 1
        public init() {}

        /// Workers actually started.
        public var resolvedWorkers: Int {
            workers > 0 ? workers : max(1, ProcessInfo.processInfo.activeProcessorCount)
        }
    }

    /// Checks ranges; the message names the key.
    public func validate() throws(ConfigError) {
        func positive(_ v: Int, _ key: String, max: Int = Int.max) throws(ConfigError) {
            guard v > 0, v <= max else { throw ConfigError("\(key) must be between 1 and \(max), got \(v)") }
        }
        guard !socket.isEmpty else { throw ConfigError("socket must not be empty") }
        guard !stateDir.isEmpty else { throw ConfigError("state_dir must not be empty") }
        guard !modelsDir.isEmpty else { throw ConfigError("models_dir must not be empty") }
        try positive(eventLoopThreads, "event_loop_threads", max: 64)
        try positive(limits.maxHeaderBytes, "limits.max_header_bytes", max: 1 << 20)
        try positive(limits.maxBodyBytes, "limits.max_body_bytes", max: 1 << 30)
        try positive(limits.maxConnections, "limits.max_connections", max: 65_536)
        try positive(limits.requestTimeoutMs, "limits.request_timeout_ms", max: 3_600_000)
        try positive(limits.idleTimeoutMs, "limits.idle_timeout_ms", max: 86_400_000)
        try positive(limits.drainTimeoutMs, "limits.drain_timeout_ms", max: 3_600_000)
        guard inference.workers >= 0, inference.workers <= 256 else {
            throw ConfigError("inference.workers must be between 0 (one per CPU) and 256, got \(inference.workers)")
        }
        try positive(inference.queueCapacity, "inference.queue_capacity", max: 1 << 20)
        try positive(inference.retryAfterSeconds, "inference.retry_after_s", max: 3600)
        try positive(eventLog.summaryIntervalSeconds, "event_log.summary_interval_s", max: 3600)
        try positive(voice.sseWriteTimeoutMs, "voice.sse_write_timeout_ms", max: 600_000)
    }

    /// The access policy for this config.
    public var accessPolicy: AccessPolicy { AccessPolicy(rules: access) }
}

/// A config file or option that cannot be used; the message says which key and why.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
