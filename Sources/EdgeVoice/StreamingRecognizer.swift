import EdgeAudio
import EdgeRuntime
import Foundation

/// Spoken commands from a stream of 16 kHz mono audio.
///
/// Per 10 ms hop: EdgeAudio's incremental log-mel frontend (the one the model was trained on)
/// produces a frame, which enters a 98-frame (1 s) window and the voice activity detector.
/// Only while the VAD hears speech does the model run, every `hopFrames` frames (20–40 ms):
/// silence costs one FFT per hop and nothing else. Posteriors (softmax of `logits`) go to a
/// `CommandDetector` (smoothing, thresholds, refractory period), whose decisions become
/// `VoiceCommand`s. The model comes from a `SpeechModelProvider` at every run, so the governor
/// can switch variants while listening.
///
/// One instance serves one stream on one thread. After the first model run `push` performs no
/// heap allocation except when an event is emitted.
public final class StreamingRecognizer {
    /// Recognizer tunables.
    public struct Options: Sendable {
        /// Frames (10 ms each) between model runs while speech is heard: 2…4 is 20–40 ms.
        public var hopFrames = 3
        public var detector = CommandDetector.Options()
        public var vad = VoiceActivityDetector.Options()
        public init() {}
    }

    /// Frames in the model's window (1 s) and bands per frame, from the speech contract.
    public static let windowFrames = LogMelFrontend.Contract.clipFrames
    public static let bands = LogMelFrontend.Contract.melBands
    static let msPerSample = 1000.0 / Double(LogMelFrontend.Contract.sampleRate)

    public let options: Options
    private let provider: any SpeechModelProvider
    private var stream = LogMelStream()
    private var vad: VoiceActivityDetector
    private var window = FeatureWindow(frames: windowFrames, bands: bands)
    private var detector: CommandDetector?
    private var bound: Bound?
    private var rejected: ObjectIdentifier?
    private var clockBase = 0          // samples (incl. gaps) before the stream's frame 0
    private var samplesSeen = 0        // samples (incl. gaps) since start
    private var streamFrames = 0       // frames since the frontend last restarted
    private var framesSinceRun = Int.max / 2
    private var segment = 0
    private var segmentStartMs = 0
    private var wasSpeech = false

    /// Counters for status and benchmarks.
    public private(set) var modelRuns = 0
    public private(set) var framesProcessed = 0
    /// The last model failure (missing model, contract violation, run error); nil when fine.
    public private(set) var lastError: String?

    /// What one model run saw, for `modelRunObserver`.
    public struct ModelRun {
        /// Softmax of `logits`, in the model's label order (valid only during the call).
        public var posteriors: UnsafeBufferPointer<Float>
        /// The end of the audio in the window (what an event decided now would carry as `end_ms`).
        public var endMs: Int
        /// VAD speech segment number and where it began.
        public var segment: Int
        public var segmentStartMs: Int
        public var labels: [String]
    }

    /// Called after every model run, before the detector decides. Lets tools record the
    /// posteriors once and replay `CommandDetector` with other options (threshold tuning)
    /// without running the model again. nil (the default) costs nothing.
    public var modelRunObserver: ((ModelRun) -> Void)?

    /// The model currently bound, with preallocated input/output tensors.
    private struct Bound {
        let model: SpeechModel
        let inputs: [Tensor]
        let outputs: [Tensor]
        let posteriors: UnsafeMutableBufferPointer<Float>
    }

    public init(provider: any SpeechModelProvider, options: Options = Options()) {
        self.provider = provider
        self.options = options
        vad = VoiceActivityDetector(options: options.vad)
    }

    deinit { bound?.posteriors.deallocate() }

    /// Audio time consumed so far, in ms.
    public var nowMs: Int { Int(Double(samplesSeen) * Self.msPerSample) }

    /// Starts over at time 0 (a new stream).
    public func reset() {
        stream.reset()
        vad.reset()
        window.reset()
        detector?.reset()
        clockBase = 0
        samplesSeen = 0
        streamFrames = 0
        framesSinceRun = Int.max / 2
        wasSpeech = false
    }

    /// Feeds signed 16-bit samples (as ALSA captures them).
    public func push(s16 samples: UnsafeBufferPointer<Int16>, onEvent: (VoiceCommand) -> Void) {
        // The callback is passed down, never stored: storing it would box its context (an
        // allocation per call).
        stream.push(s16: samples) { frame in process(frame, onEvent) }
        samplesSeen += samples.count
    }

    /// Feeds float samples in [-1, 1].
    public func push(_ samples: UnsafeBufferPointer<Float>, onEvent: (VoiceCommand) -> Void) {
        stream.push(samples) { frame in process(frame, onEvent) }
        samplesSeen += samples.count
    }

    /// Accounts for `count` samples that were lost (capture overflow): time moves on, the
    /// frontend restarts and any open speech segment ends.
    public func skip(samples count: Int) {
        guard count > 0 else { return }
        samplesSeen += count
        clockBase = samplesSeen
        stream.reset()
        streamFrames = 0
        endSegment()
    }

    /// Feeds 300 ms of silence so a command at the very end of the stream is decided (the
    /// VAD's hangover runs out and the model sees the word settle in its window).
    public func finish(onEvent: (VoiceCommand) -> Void) {
        let hop = LogMelFrontend.Contract.hopLength
        let frames = options.vad.hangoverFrames + options.vad.onsetFrames + 8
        withUnsafeTemporaryAllocation(of: Float.self, capacity: hop) { zeros in
            zeros.initialize(repeating: 0)
            for _ in 0..<frames { push(UnsafeBufferPointer(zeros), onEvent: onEvent) }
        }
    }

    /// The commands in a whole clip (16 kHz mono), for `POST /v1/speech/recognize`: the same
    /// pipeline from a fresh state, then `finish`.
    public func recognize(samples: [Float]) -> [VoiceCommand] {
        reset()
        var events: [VoiceCommand] = []
        samples.withUnsafeBufferPointer { push($0) { events.append($0) } }
        finish { events.append($0) }
        return events
    }

    // MARK: - per frame

    private func process(_ frame: UnsafeBufferPointer<Float>, _ onEvent: (VoiceCommand) -> Void) {
        framesProcessed += 1
        window.append(frame)
        let speech = vad.process(logMel: frame)
        // Not `stream.framesEmitted`: `stream` is being mutated while it calls us.
        let frameIndex = streamFrames
        streamFrames += 1
        let hop = LogMelFrontend.Contract.hopLength
        let endSample = clockBase + frameIndex * hop + LogMelFrontend.Contract.windowLength
        let endMs = Int(Double(endSample) * Self.msPerSample)
        if speech && !wasSpeech {
            segment += 1
            // The VAD confirms speech `onsetFrames` frames after it began.
            let firstFrame = max(0, frameIndex - (options.vad.onsetFrames - 1))
            segmentStartMs = Int(Double(clockBase + firstFrame * hop) * Self.msPerSample)
            framesSinceRun = Int.max / 2
        } else if !speech && wasSpeech {
            endSegment()
        }
        wasSpeech = speech
        guard speech else { return }
        framesSinceRun += 1
        if framesSinceRun >= max(1, options.hopFrames) {
            framesSinceRun = 0
            runModel(endMs: endMs, onEvent)
        }
    }

    private func endSegment() {
        detector?.resetHistory()
        wasSpeech = false
    }

    private func runModel(endMs: Int, _ onEvent: (VoiceCommand) -> Void) {
        guard let model = provider.currentSpeechModel() else {
            lastError = "no speech model is loaded"
            return
        }
        guard let b = bind(model) else { return }
        window.copy(into: b.inputs[0].storage.bytes.assumingMemoryBound(to: Float.self))
        do {
            try model.session.run(inputs: b.inputs, outputs: b.outputs)
        } catch {
            lastError = "speech model run failed: \(error)"
            return
        }
        modelRuns += 1
        softmax(b.outputs[0].storage.bytes.assumingMemoryBound(to: Float.self), into: b.posteriors)
        modelRunObserver?(ModelRun(posteriors: UnsafeBufferPointer(b.posteriors), endMs: endMs, segment: segment,
                                   segmentStartMs: min(segmentStartMs, endMs), labels: model.labels))
        guard let hit = detector?.observe(UnsafeBufferPointer(b.posteriors), nowMs: endMs, segment: segment) else { return }
        let event = VoiceCommand(label: model.labels[hit.label], confidence: hit.confidence,
                                 startMs: min(segmentStartMs, endMs), endMs: endMs, variant: model.variant)
        onEvent(event)
    }

    /// Preallocates tensors for a newly seen session (a governor switch); nil if it is unusable.
    private func bind(_ model: SpeechModel) -> Bound? {
        let id = ObjectIdentifier(model.session)
        if let b = bound, ObjectIdentifier(b.model.session) == id, b.model.labels == model.labels { return b }
        if rejected == id { return nil }
        do {
            try model.validate()
            let input = try Tensor(zeros: .float32, shape: [1, 1, Self.windowFrames, Self.bands])
            let output = try Tensor(zeros: .float32, shape: [1, model.labels.count])
            // Compile the plan now, so the first hop of speech is not the one that pays for it.
            try model.session.run(inputs: [input], outputs: [output])
            bound?.posteriors.deallocate()
            let b = Bound(model: model, inputs: [input], outputs: [output],
                          posteriors: .allocate(capacity: model.labels.count))
            if detector?.labels != model.labels {
                detector = CommandDetector(labels: model.labels, options: options.detector)
            }
            bound = b
            lastError = nil
            return b
        } catch {
            rejected = id
            lastError = "speech model '\(model.variant)' is unusable: \(error)"
            return nil
        }
    }

    private func softmax(_ logits: UnsafeMutablePointer<Float>, into p: UnsafeMutableBufferPointer<Float>) {
        var m = -Float.infinity
        for i in 0..<p.count where logits[i] > m { m = logits[i] }
        var s: Float = 0
        for i in 0..<p.count {
            // A NaN logit (broken model) must not poison the decision: treat it as impossible.
            let e = logits[i].isNaN ? 0 : exp(logits[i] - m)
            p[i] = e
            s += e
        }
        let inv = s > 0 && s.isFinite ? 1 / s : 0
        for i in 0..<p.count { p[i] *= inv }
    }
}
