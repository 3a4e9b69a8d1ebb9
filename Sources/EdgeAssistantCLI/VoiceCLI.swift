import ArgumentParser
import EdgeAudio
import EdgeRuntime
import EdgeVoice
import Foundation

/// `edge-assistant voice …`: the voice-command path outside the daemon (recognise a file,
/// listen to a microphone, serve Wyoming, benchmark CPU use).
struct VoiceCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice",
        abstract: "Spoken commands: recognise a file, listen to ALSA, serve Wyoming, benchmark.",
        subcommands: [VoiceRecognize.self, VoiceListen.self, VoiceWyoming.self, VoiceBench.self,
                      VoiceStreamMake.self, VoiceScore.self, VoiceTune.self])
}

/// Model options shared by the voice subcommands.
struct SpeechModelOptions: ParsableArguments {
    @Argument(help: "Speech model (.edge or .onnx): input 'features' [N,1,98,40], output 'logits' [N,labels].")
    var model: String
    @Option(help: "Comma-separated labels when the model file has none (default: the 12 Speech Commands labels).")
    var labels: String?
    @Option(help: "Frames (10 ms) between model runs while speech is heard (2–4 = 20–40 ms).")
    var hopFrames: Int?
    @Option(help: "Decision threshold on the smoothed posterior for every command (default: the tuned built-in thresholds).")
    var threshold: Float?
    @Option(help: "Detector settings JSON (hop_frames, smoothing_hops, default_threshold, thresholds, refractory_ms, once_per_segment), applied over the defaults.")
    var detector: String?

    static let contractLabels = ["_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]

    func load() throws -> SpeechModel {
        let m = try ModelLoading.load(model)
        let names = labels.map { $0.split(separator: ",").map(String.init) } ?? (m.metadata.labels.isEmpty ? Self.contractLabels : m.metadata.labels)
        let speech = SpeechModel(session: try InferenceSession(graph: m.graph), labels: names, variant: m.metadata.variant.name)
        try speech.validate()
        return speech
    }

    var recognizerOptions: StreamingRecognizer.Options {
        get throws {
            var o = StreamingRecognizer.Options()
            if let h = hopFrames { o.hopFrames = max(1, h) }
            if let t = threshold {
                o.detector.defaultThreshold = t
                o.detector.thresholds = [:]
            }
            if let path = detector {
                o = try DetectorSettings.decode(Data(try VoiceFiles.read(path))).applied(to: o)
            }
            return o
        }
    }
}

struct VoiceRecognize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recognize", abstract: "Print the commands in a WAV (or raw s16le 16 kHz mono) file as JSON.")
    @OptionGroup var options: SpeechModelOptions
    @Argument(help: "Audio file.") var audio: String

    func run() throws {
        let bytes = try VoiceFiles.read(audio)
        let events = try SpeechUpload.recognize(bytes, provider: FixedSpeechModel(options.load()), options: try options.recognizerOptions)
        print("[" + events.map { $0.jsonString() }.joined(separator: ",\n ") + "]")
    }
}

struct VoiceListen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen", abstract: "Capture from ALSA and print commands as Server-Sent Events.")
    @OptionGroup var options: SpeechModelOptions
    @Option(help: "ALSA PCM name.") var audioDevice = "default"
    @Option(help: "Stop after this many seconds (0: run until killed).") var seconds = 0.0

    func run() throws {
        let hub = VoiceEventHub()
        guard let sub = hub.subscribe() else { return }
        let capture = AudioCapture(configuration: AudioCapture.Configuration(device: audioDevice)) { AlsaPCMSource() }
        let listener = VoiceListener(capture: capture, provider: FixedSpeechModel(try options.load()), hub: hub,
                                     options: try options.recognizerOptions)
        listener.start()
        let end = seconds > 0 ? Date(timeIntervalSinceNow: seconds) : .distantFuture
        while Date() < end {
            let m = sub.next(timeout: min(ServerSentEvents.keepAliveSeconds, max(0.01, end.timeIntervalSinceNow)))
            // Unbuffered, so a pipe reader sees each event at once.
            FileHandle.standardOutput.write(Data((m.map { ServerSentEvents.encode($0) } ?? ServerSentEvents.keepAlive()).utf8))
        }
        listener.stop()
        FileHandle.standardError.write(Data((String(data: try JSONEncoder().encode(listener.status), encoding: .utf8)! + "\n").utf8))
    }
}

struct VoiceWyoming: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wyoming", abstract: "Serve the Wyoming protocol on a Unix socket (commands as wake words / transcripts).")
    @OptionGroup var options: SpeechModelOptions
    @Option(help: "Socket path.") var socket: String
    @Option(help: "Stop after this many seconds (0: run until killed).") var seconds = 0.0

    func run() throws {
        let model = try options.load()
        let recognizerOptions = try options.recognizerOptions
        let server = WyomingServer(path: socket) { WyomingSession(provider: FixedSpeechModel(model), options: recognizerOptions) }
        try server.start()
        print("wyoming: listening on \(socket)")
        Thread.sleep(forTimeInterval: seconds > 0 ? seconds : .greatestFiniteMagnitude)
        server.stop()
    }
}

/// Reads a whole file with a clear error.
enum VoiceFiles {
    static func read(_ path: String) throws -> [UInt8] {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw EdgeError(.io, "cannot read \(path)")
        }
        return Array(d)
    }
}
