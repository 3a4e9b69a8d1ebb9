import EdgeAudio
import Foundation

/// The daemon's always-on voice path: `AudioCapture` → ring → `StreamingRecognizer` →
/// `VoiceEventHub` (SSE subscribers and the event log).
///
/// Two threads: the capture thread (blocking ALSA reads, never does recognition, so a slow
/// model cannot cause device overruns) and the recognition thread, which sleeps on the ring
/// while no audio arrives. `start`/`stop` switch the microphone on and off (idempotent);
/// event times restart at 0 on each `start`.
public final class VoiceListener: @unchecked Sendable {
    /// What `/v1/status` shows about voice.
    public struct Status: Sendable, Codable, Equatable {
        public var listening: Bool
        public var capture: CaptureStatus
        /// Model runs and frames since the microphone was switched on.
        public var modelRuns: Int
        public var frames: Int
        public var events: Int
        public var subscribers: Int
        /// The recognizer's last model problem (no model, contract violation), if any.
        public var modelError: String?

        enum CodingKeys: String, CodingKey {
            case listening, capture, frames, events, subscribers
            case modelRuns = "model_runs"
            case modelError = "model_error"
        }
    }

    public let capture: AudioCapture
    public let hub: VoiceEventHub
    private let recognizer: StreamingRecognizer   // used on the recognition thread only
    private let recognizerHopSamples: Int
    private let control = NSLock()
    private let statsLock = NSLock()
    private var stats = (modelRuns: 0, frames: 0, events: 0, error: String?.none)
    private var thread: JoinableThread?

    public init(capture: AudioCapture, provider: any SpeechModelProvider, hub: VoiceEventHub,
                options: StreamingRecognizer.Options = StreamingRecognizer.Options()) {
        self.capture = capture
        self.hub = hub
        recognizer = StreamingRecognizer(provider: provider, options: options)
        recognizerHopSamples = max(1, options.hopFrames) * LogMelFrontend.Contract.hopLength
    }

    deinit { stop() }

    /// Whether the microphone is on.
    public var isListening: Bool { control.lock(); defer { control.unlock() }; return thread != nil }

    /// A snapshot for `/v1/status`.
    public var status: Status {
        statsLock.lock()
        let s = stats
        statsLock.unlock()
        return Status(listening: isListening, capture: capture.status, modelRuns: s.modelRuns, frames: s.frames,
                      events: s.events, subscribers: hub.subscriberCount, modelError: s.error)
    }

    /// Microphone on. No effect when already on.
    public func start() {
        control.lock()
        defer { control.unlock() }
        guard thread == nil else { return }
        capture.start()
        let t = JoinableThread(name: "edge-voice") { [self] in run() }
        if t.started { thread = t } else { capture.stop() }
    }

    /// Microphone off; returns once both threads have exited. No effect when already off.
    public func stop() {
        control.lock()
        defer { control.unlock() }
        guard let t = thread else { return }
        capture.stop()      // closes the ring: the recognition thread drains it and exits
        t.join()
        thread = nil
    }

    /// The recognition thread.
    private func run() {
        recognizer.reset()
        statsLock.lock()
        stats = (0, 0, 0, nil)
        statsLock.unlock()
        // Wake once per model hop (30 ms), not once per 10 ms period: fewer context switches
        // while idle, at most one hop of added latency.
        let hop = max(1, recognizerHopSamples)
        let buffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: hop * 4)
        defer { buffer.deallocate() }
        var events = 0
        while true {
            let r = capture.ring.read(into: buffer, minimum: hop, timeout: 0.5)
            if r.droppedBefore > 0 { recognizer.skip(samples: r.droppedBefore) }
            if r.count > 0 {
                recognizer.push(s16: UnsafeBufferPointer(rebasing: buffer[0..<r.count])) { command in
                    events += 1
                    hub.publish(command)
                }
            }
            statsLock.lock()
            stats = (recognizer.modelRuns, recognizer.framesProcessed, events, recognizer.lastError)
            statsLock.unlock()
            if r.closed { break }
        }
    }
}
