import EdgeAudio
import EdgeRuntime

/// One Wyoming connection's protocol state, independent of the socket: events in, events out.
///
/// - `describe` → `info`: a wake program and an ASR program whose models are our command words.
/// - `audio-start` (rate, width, channels) / `audio-chunk` / `audio-stop` → a `detection`
///   (`name` = command) per command as soon as it is decided, `not-detected` at `audio-stop`
///   when there was none, then `transcript` (`text` = the command words, space separated).
///   16 kHz 16-bit mono is recognised as it streams; other rates and channel counts are
///   buffered (up to `maxBufferedSeconds`), downmixed and resampled by EdgeAudio at `audio-stop`
///   (EdgeAudio's resampler works on whole clips).
/// - `detect` (`names`) restricts detections to those commands; `ping` → `pong`.
/// Unknown event types are ignored, as the protocol asks. Bad audio parameters or payloads
/// produce an `error` event and the connection stays usable.
public final class WyomingSession {
    /// Program name in `info`.
    public static let programName = "edge-assistant"
    /// Longest buffered (non-16 kHz mono) stream.
    public let maxBufferedSeconds: Int
    private let provider: any SpeechModelProvider
    private let recognizer: StreamingRecognizer
    private var format: (rate: Int, width: Int, channels: Int)?
    private var buffered: [Float] = []
    private var detected: [VoiceCommand] = []
    private var names: Set<String>?

    public init(provider: any SpeechModelProvider, options: StreamingRecognizer.Options = StreamingRecognizer.Options(),
                maxBufferedSeconds: Int = 60) {
        self.provider = provider
        self.maxBufferedSeconds = maxBufferedSeconds
        recognizer = StreamingRecognizer(provider: provider, options: options)
    }

    /// The replies to one incoming event (possibly none).
    public func handle(_ event: WyomingEvent) -> [WyomingEvent] {
        switch event.type {
        case "describe": return [info()]
        case "ping": return [WyomingEvent(type: "pong", data: event.data["text"].map { ["text": $0] } ?? [:])]
        case "detect":
            if case .array(let a)? = event.data["names"] { names = Set(a.compactMap(\.stringValue)) } else { names = nil }
            return []
        case "audio-start": return start(event.data)
        case "audio-chunk": return chunk(event)
        case "audio-stop": return stop()
        default: return []
        }
    }

    /// The command words of the current model (its labels minus the ignored classes).
    public var commands: [String] {
        let ignored = CommandDetector.Options().ignoredLabels
        return (provider.currentSpeechModel()?.labels ?? []).filter { !ignored.contains($0) }
    }

    private func info() -> WyomingEvent {
        let attribution: JSONValue = .object(["name": .string("EdgeAssistant"), "url": .string("")])
        func artifact(_ name: String, _ description: String, _ extra: [String: JSONValue]) -> JSONValue {
            var o: [String: JSONValue] = ["name": .string(name), "attribution": attribution, "installed": .bool(true),
                                          "description": .string(description), "version": .string(WyomingEvent.version)]
            o.merge(extra) { _, n in n }
            return .object(o)
        }
        let english: JSONValue = .array([.string("en")])
        let wakeModels = commands.map { artifact($0, "spoken command '\($0)'", ["languages": english, "phrase": .string($0)]) }
        let variant = provider.currentSpeechModel()?.variant ?? "none"
        let asrModel = artifact("speech-commands", "on-device command recognition (variant \(variant))",
                                ["languages": english])
        return WyomingEvent(type: "info", data: [
            "wake": .array([artifact(Self.programName, "on-device spoken commands", ["models": .array(wakeModels)])]),
            "asr": .array([artifact(Self.programName, "on-device spoken commands",
                                    ["models": .array([asrModel]), "supports_transcript_streaming": .bool(false)])]),
        ])
    }

    private func start(_ data: [String: JSONValue]) -> [WyomingEvent] {
        guard let rate = data["rate"]?.intValue, let width = data["width"]?.intValue, let channels = data["channels"]?.intValue else {
            return [.error("audio-start needs integer rate, width and channels")]
        }
        guard AudioClip.sampleRateRange.contains(rate), width == 2, AudioClip.channelRange.contains(channels) else {
            return [.error("unsupported audio: \(rate) Hz, \(width)-byte samples, \(channels) channels (16-bit PCM at 8–192 kHz, 1–8 channels)")]
        }
        format = (rate, width, channels)
        buffered = []
        detected = []
        recognizer.reset()
        return []
    }

    private var streamsDirectly: Bool {
        format.map { $0.rate == LogMelFrontend.Contract.sampleRate && $0.channels == 1 } ?? false
    }

    private func chunk(_ event: WyomingEvent) -> [WyomingEvent] {
        if format == nil {
            // A chunk carries its own format; a peer may skip audio-start.
            let replies = start(event.data)
            if !replies.isEmpty { return replies }
        }
        guard let f = format else { return [] }
        let frameBytes = f.width * f.channels
        guard event.payload.count % frameBytes == 0 else {
            return [.error("audio-chunk of \(event.payload.count) bytes is not a whole number of \(f.channels)-channel 16-bit frames")]
        }
        if streamsDirectly {
            var out: [WyomingEvent] = []
            event.payload.withUnsafeBytes { raw in
                recognizer.push(s16: raw.bindMemory(to: Int16.self)) { out += report($0) }
            }
            return out
        }
        let limit = maxBufferedSeconds * f.rate * f.channels
        guard buffered.count + event.payload.count / 2 <= limit else {
            return [.error("audio stream exceeds \(maxBufferedSeconds) s", code: EdgeError.Code.tooLarge.rawValue)]
        }
        do {
            buffered += try RawPCM.decodeS16LE(event.payload, sampleRate: f.rate, channels: f.channels).samples
        } catch {
            return [.error(error.message, code: error.code.rawValue)]
        }
        return []
    }

    private func stop() -> [WyomingEvent] {
        guard let f = format else { return [.error("audio-stop without audio-start")] }
        var out: [WyomingEvent] = []
        if !streamsDirectly && !buffered.isEmpty {
            do {
                let clip = try AudioClip(sampleRate: f.rate, channels: f.channels, samples: buffered).monoResampled(to: LogMelFrontend.Contract.sampleRate)
                clip.samples.withUnsafeBufferPointer { recognizer.push($0) { out += report($0) } }
            } catch {
                out.append(.error(error.message, code: error.code.rawValue))
            }
        }
        recognizer.finish { out += report($0) }
        if detected.isEmpty { out.append(WyomingEvent(type: "not-detected")) }
        out.append(WyomingEvent(type: "transcript", data: ["text": .string(detected.map(\.label).joined(separator: " "))]))
        format = nil
        buffered = []
        detected = []
        return out
    }

    /// A `detection` for `command` unless `detect` excluded it.
    private func report(_ command: VoiceCommand) -> [WyomingEvent] {
        if let names, !names.contains(command.label) { return [] }
        detected.append(command)
        return [WyomingEvent(type: "detection", data: [
            "name": .string(command.label),
            "timestamp": .number(Double(command.endMs)),
            "speaker": .null,
        ])]
    }
}
