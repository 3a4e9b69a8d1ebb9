import ArgumentParser
import EdgeRuntime
import EdgeSpeechData
import Foundation

/// `edge-assistant data speech`: synthesizes the speech-commands data set.
struct SpeechDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speech",
        abstract: "Synthesize 1 s 16 kHz speech-command clips with espeak-ng and flite, augmented, with features.",
        discussion: """
        Writes DIR/manifest.jsonl, DIR/wav/<split>/<label>/*.wav and DIR/<split>/{features,labels}.npy
        for the splits train, val, test (espeak-ng voices split by variant) and test_engine
        (flite only, never trained on), then validates the result. Needs espeak-ng and flite
        (`make models-deps`). See docs/SPEECH_DATA.md.
        """)

    @Option(help: "Output directory.") var out: String
    @Option(help: "Seed; same seed and tool versions give identical files.") var seed: UInt64 = 1
    @Option(name: .customLong("per-word"), help: "Clips per class over train/val/test (80/10/10).") var perWord: Int = 600
    @Option(help: "Comma-separated voices: espeak-ng languages (en-us, en-gb, …) and/or flite voices (slt, kal16, …); an engine with none named uses all its installed voices.")
    var voices: String?
    @Option(help: "Comma-separated espeak-ng variants (m3, f2, Alex, …); default all installed.") var variants: String?
    @Option(help: "Worker threads (TTS runs as child processes, so more than the cores helps).")
    var jobs: Int = 2 * ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard perWord >= 1, jobs >= 1 else { throw ValidationError("--per-word and --jobs must be positive") }
    }

    func run() throws {
        var o = SpeechDataOptions(seed: seed, perWord: perWord)
        o.jobs = jobs
        if let variants { o.espeakVariants = Self.list(variants) }
        if let voices {
            let wanted = Self.list(voices)
            let flite = try VoiceCatalog.fliteVoices()
            // An engine none of whose voices is named keeps all of its voices.
            let (f, e) = (wanted.filter { flite.contains($0) }, wanted.filter { !flite.contains($0) })
            o.fliteVoices = f.isEmpty ? nil : f
            o.espeakLanguages = e.isEmpty ? nil : e
        }
        let plan = try SpeechDataGenerator.plan(o)
        print("generating \(plan.clips.count) clips into \(out) with \(jobs) job(s)")
        let summary = try SpeechDataGenerator.generate(plan, options: o, into: out) { done, total in
            if done % 500 == 0 || done == total { print("  \(done)/\(total)") }
        }
        print(String(format: "made %d clips in %.1f s (%.1f clips/s); per split: %@", summary.clips, summary.seconds,
                     summary.clipsPerSecond, summary.perSplit.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        let report = try SpeechDataValidator.validate(directory: out)
        print(report.render())
        if !report.isValid { throw ExitCode.failure }
    }

    static func list(_ s: String) -> [String] {
        s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// `edge-assistant data check-speech DIR`: validates a generated speech data set.
struct SpeechDataCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-speech",
        abstract: "Check a speech data set: sample rate, clip length, empty classes, NaN features, voice leakage.")

    @Argument(help: "Data-set directory (from `data speech`).") var directory: String

    func run() throws {
        let report = try SpeechDataValidator.validate(directory: directory)
        print(report.render())
        if !report.isValid { throw ExitCode.failure }
    }
}
