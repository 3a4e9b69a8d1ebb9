import EdgeRuntime
import EdgeServer
import EdgeVoice
import Foundation
import Logging
import Synchronization

/// The microphone switch. With `serve --mic` it owns the ALSA `VoiceListener` (created once a
/// speech family is loaded) and turns it on and off (`PUT /v1/voice/mic`); without `--mic`
/// there is no capture device configured and switching it on is refused, because opening a
/// microphone is an operator's decision at start-up, not a client's.
public final class MicrophoneControl: Sendable {
    /// What `GET /v1/voice/mic` answers.
    public struct State: Encodable, Sendable, Equatable {
        /// The daemon was started with `--mic` (a capture device is configured).
        public var available: Bool
        /// The microphone is on (capture and recognition threads run).
        public var enabled: Bool
        /// The ALSA capture PCM, when available.
        public var device: String?
        /// The listener's status (capture state, errors, counters) once it exists.
        public var listener: VoiceListener.Status?
    }

    /// `--mic` given.
    public let available: Bool
    public let device: String
    let hub: VoiceEventHub
    let logger: Logger
    let makeSource: @Sendable () -> any PCMSource
    /// The listener, and whether the start-up decision (`voice.microphone_on_start`) was applied.
    private let current = Mutex<(listener: VoiceListener?, initialized: Bool)>((nil, false))

    public init(available: Bool, device: String, hub: VoiceEventHub, logger: Logger,
                source: @escaping @Sendable () -> any PCMSource = { AlsaPCMSource() }) {
        self.available = available
        self.device = device
        self.hub = hub
        self.logger = logger
        makeSource = source
    }

    /// Called at every router build (start-up and reload): creates the listener once a speech
    /// family exists and, the first time, switches it on when `onStart` says so. A reload never
    /// switches back on a microphone an operator turned off.
    func attach(_ services: InferenceServices, onStart: Bool) {
        guard available else { return }
        guard (try? services.family(for: "speech")) != nil else {
            logger.warning("--mic given but no speech model family is loaded; the microphone stays off")
            return
        }
        let started: Bool = current.withLock { c in
            if c.listener == nil {
                let capture = AudioCapture(configuration: .init(device: device), source: makeSource)
                c.listener = VoiceListener(capture: capture, provider: RegistrySpeechProvider(services: services), hub: hub)
            }
            guard !c.initialized else { return false }
            c.initialized = true
            if onStart { c.listener?.start() }
            return onStart
        }
        if started { logger.info("microphone on", metadata: ["device": "\(device)"]) }
    }

    /// Switches the microphone on or off (idempotent; blocks until the threads have started or
    /// joined, so call it off the event loops).
    /// - Throws: 409 `mic_unavailable` without `--mic`; 503 `model_unavailable` when switching
    ///   on before a speech family is loaded.
    @discardableResult
    public func setEnabled(_ on: Bool) throws(APIError) -> State {
        guard available else {
            throw APIError(.conflict, "mic_unavailable",
                           "the daemon was started without --mic, so no capture device is configured; restart it with serve --mic [--audio-device NAME]")
        }
        // An accepted switch replaces the start-up decision (a later reload must not undo it);
        // a refused one does not.
        let listener = current.withLock { c -> VoiceListener? in
            if c.listener != nil || !on { c.initialized = true }
            return c.listener
        }
        guard let listener else {
            if !on { return state }
            throw APIError(.serviceUnavailable, "model_unavailable", "no speech model family is loaded; the microphone needs one")
        }
        if on { listener.start() } else { listener.stop() }
        logger.info(on ? "microphone on" : "microphone off", metadata: ["device": "\(device)"])
        return state
    }

    public var state: State {
        let listener = current.withLock { $0.listener }
        return State(available: available, enabled: listener?.isListening ?? false,
                     device: available ? device : nil, listener: listener?.status)
    }

    /// Switches the microphone off for good (shutdown): joins the threads, forgets the listener.
    public func shutdown() {
        let listener = current.withLock { c -> VoiceListener? in defer { c.listener = nil }; return c.listener }
        listener?.stop()
    }
}
