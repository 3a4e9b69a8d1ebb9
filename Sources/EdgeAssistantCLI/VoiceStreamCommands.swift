import ArgumentParser
import EdgeAudio
import EdgeRuntime
import EdgeSpeechData
import EdgeVoice
import EdgeVoiceEval
import Foundation

/// `edge-assistant voice stream-make`: a long test stream of non-command speech and noise with
/// commands at known times (`stream.wav` + `truth.json`).
struct VoiceStreamMake: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream-make", abstract: "Generate a long test stream with embedded commands and its ground truth.")
    @Option(help: "Output directory (stream.wav, truth.json).") var out: String
    @Option(help: "Seed (use different seeds for tuning and measurement).") var seed: UInt64
    @Option(help: "Length in seconds.") var seconds = 3600.0
    @Option(help: "The speech data set's dataset.json; its voices of --splits are used.") var voicesFrom: String?
    @Option(help: "Comma-separated splits of --voices-from (test: held-out espeak-ng variants, test_engine: flite).") var splits = "test"
    @Option(help: "Comma-separated voice ids instead (espeak-ng:en-us+m4, flite:slt).") var voices: String?
    @Option(help: "Share of speech items that are commands (0.15 ≈ 3 a minute).") var commandShare = 0.15
    @Option(help: "Worker threads.") var jobs = 4

    func run() throws {
        var o = CommandStreamOptions(voices: try resolveVoices())
        o.seconds = seconds
        o.commandShare = commandShare
        o.jobs = jobs
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let t0 = Date()
        let stream = try CommandStreamGenerator.make(seed: seed, options: o, scratchDirectory: "\(out)/.scratch-\(getpid())")
        try? FileManager.default.removeItem(atPath: "\(out)/.scratch-\(getpid())")
        try WAVEncoder.write(try AudioClip(mono: stream.samples, sampleRate: 16_000), to: "\(out)/stream.wav")
        try stream.truth.encoded().write(to: URL(fileURLWithPath: "\(out)/truth.json"))
        print(String(format: "%@/stream.wav: %.1f s, %d commands, %d non-command words, %d voices (%.1f s to make)",
                     out, Double(stream.truth.durationMs) / 1000, stream.truth.commands.count, stream.truth.fillerWords,
                     o.voices.count, Date().timeIntervalSince(t0)))
    }

    private func resolveVoices() throws -> [Voice] {
        let ids: [String]
        if let list = voices {
            ids = list.split(separator: ",").map(String.init)
        } else if let path = voicesFrom {
            struct Described: Decodable { var voices: [String: [String]] }
            let d = try JSONDecoder().decode(Described.self, from: Data(try VoiceFiles.read(path)))
            ids = try splits.split(separator: ",").flatMap { split -> [String] in
                guard let v = d.voices[String(split)] else { throw ValidationError("\(path) has no split '\(split)'") }
                return v
            }
        } else {
            throw ValidationError("give --voices-from DATASET.json or --voices")
        }
        return try ids.map { id in
            guard let v = Voice(id: id) else { throw ValidationError("not a voice id: '\(id)'") }
            return v
        }
    }
}

/// Audio and truth loading shared by `score` and `tune`.
struct StreamInputs: ParsableArguments {
    @Argument(help: "Stream audio (WAV any rate, up to 6 h).") var audio: String
    @Argument(help: "Ground truth JSON (from stream-make).") var truth: String
    @Option(help: "An event within [start_ms, end_ms + this] of a command can match it.") var toleranceMs = StreamScorer.defaultToleranceMs

    func load() throws -> (s16: [Int16], truth: StreamTruth) {
        let clip = try WAVDecoder.decode(try VoiceFiles.read(audio), limits: .init(maxFrames: 192_000 * 6 * 3600)).monoResampled(to: 16_000)
        let t = try StreamTruth.decode(Data(try VoiceFiles.read(truth)))
        return (UnpacedRun.s16(clip.samples), t)
    }
}

/// `edge-assistant voice score`: runs the recognizer over a stream unpaced (the `voice bench`
/// path) and reports detection rate, false events per hour and event latency.
struct VoiceScore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Detection rate, false events per hour and latency on a stream with known commands.")
    @OptionGroup var options: SpeechModelOptions
    @OptionGroup var inputs: StreamInputs
    @Option(help: "Write the full score (misses, false events, latencies) as JSON here.") var json: String?

    func run() throws {
        let (s16, truth) = try inputs.load()
        let r = StreamingRecognizer(provider: FixedSpeechModel(try options.load()), options: try options.recognizerOptions)
        let run = UnpacedRun.run(s16, recognizer: r, timePeriods: false)
        let score = StreamScorer.score(events: run.events, truth: truth, toleranceMs: inputs.toleranceMs)
        print(score.summary)
        print(String(format: "recognizer: %.0f s of audio in %.1f s cpu (%.2f%% of one core), %d model runs", run.audioSeconds, run.cpuSeconds, 100 * run.coreShare, run.modelRuns))
        VoiceScoreReport.printBreakdown(score)
        if let path = json {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .prettyPrinted]
            try e.encode(score).write(to: URL(fileURLWithPath: path))
        }
    }
}

/// `edge-assistant voice tune`: chooses smoothing and per-command thresholds on a tuning stream.
struct VoiceTune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune", abstract: "Tune smoothing and per-command thresholds on a tuning stream (not the measurement stream).")
    @OptionGroup var options: SpeechModelOptions
    @OptionGroup var inputs: StreamInputs
    @Option(help: "Write the chosen detector settings (JSON) here.") var out: String?
    @Option(help: "One false event costs this many detections in the objective.") var falseWeight = 10.0

    func run() throws {
        let (s16, truth) = try inputs.load()
        let base = try options.recognizerOptions
        let r = StreamingRecognizer(provider: FixedSpeechModel(try options.load()), options: base)
        let trace = PosteriorTrace()
        trace.record(r)
        let run = UnpacedRun.run(s16, recognizer: r, timePeriods: false)
        let before = StreamScorer.score(events: run.events, truth: truth, toleranceMs: inputs.toleranceMs)
        print("current options: " + before.summary)
        VoiceScoreReport.printBreakdown(before)
        var settings = DetectorTuner.Settings()
        settings.falseWeight = falseWeight
        settings.toleranceMs = inputs.toleranceMs
        let result = DetectorTuner.tune(trace, truth: truth, base: base.detector, settings: settings)
        print("tuned (\(result.evaluated) option sets over \(trace.count) model runs): " + result.score.summary)
        VoiceScoreReport.printBreakdown(result.score)
        var tuned = base
        tuned.detector = result.options
        let json = DetectorSettings(tuned).encoded()
        print(String(decoding: json, as: UTF8.self))
        if let path = out { try json.write(to: URL(fileURLWithPath: path)) }
    }
}

enum VoiceScoreReport {
    /// Per-label counts and the false events, one line each.
    static func printBreakdown(_ score: StreamScore) {
        for (label, c) in score.perLabel.sorted(by: { $0.key < $1.key }) {
            print("  \(label): \(c.detected)/\(c.commands) detected, \(c.falseEvents) false")
        }
        for f in score.falseEvents {
            print(String(format: "  false %@ at %d ms (%.2f): %@%@", f.label, f.atMs, f.confidence, f.reason.rawValue, f.expected.map { ", was \($0)" } ?? ""))
        }
    }
}
