/// What `/v1/status` shows about the microphone. A snapshot; `AudioCapture.status` makes one.
public struct CaptureStatus: Sendable, Codable, Equatable {
    /// The capture loop's state.
    public enum State: String, Sendable, Codable {
        /// Microphone off (never started, or stopped).
        case stopped
        /// Opening the PCM.
        case opening
        /// Reading samples.
        case running
        /// The device failed or is absent; waiting `retryInMs` before the next attempt.
        case retrying
    }

    public var state: State
    /// The ALSA PCM name in use (`default`, `hw:1,0`, …).
    public var device: String
    /// The most recent error (`open: No such device (-19)`), kept after recovery for diagnosis.
    public var lastError: String?
    /// Overruns reported by the device (-EPIPE) and recovered.
    public var xruns: Int
    /// Suspends (-ESTRPIPE) recovered.
    public var suspends: Int
    /// Times the ring was full and dropped its oldest samples (the recognizer fell behind).
    public var overruns: Int
    /// Samples dropped on those overruns.
    public var droppedSamples: Int
    /// Failed open attempts and device losses since start.
    public var failures: Int
    /// Mono 16 kHz samples captured since start.
    public var samplesCaptured: Int
    /// Delay before the next open attempt while `retrying`.
    public var retryInMs: Int?

    enum CodingKeys: String, CodingKey {
        case state, device, xruns, suspends, overruns, failures
        case lastError = "last_error"
        case droppedSamples = "dropped_samples"
        case samplesCaptured = "samples_captured"
        case retryInMs = "retry_in_ms"
    }

    public init(state: State = .stopped, device: String) {
        self.state = state
        self.device = device
        xruns = 0
        suspends = 0
        overruns = 0
        droppedSamples = 0
        failures = 0
        samplesCaptured = 0
    }
}
