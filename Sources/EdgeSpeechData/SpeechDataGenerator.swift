import EdgeAudio
import EdgeRuntime
import Foundation

/// Generates the speech-commands data set into a directory:
///
/// ```
/// DIR/dataset.json                       seed, per-word, labels, held-out engine, tool versions, voices per split
/// DIR/manifest.jsonl                     one ManifestEntry per clip
/// DIR/wav/<split>/<label>/<index>.wav    16 kHz mono 16-bit, exactly 1 s
/// DIR/<split>/features.npy               float32 [N, 1, 98, 40] (LogMelFrontend of each WAV)
/// DIR/<split>/labels.npy                 int64 [N], indices into SpeechLabels.all
/// ```
/// Clips are made on `jobs` threads; each clip's randomness comes from its own seed, so the
/// bytes do not depend on scheduling (same seed and tool versions → identical files).
public enum SpeechDataGenerator {
    /// Figures of one run.
    public struct Summary: Sendable, Codable {
        public var clips: Int
        public var perSplit: [String: Int]
        public var seconds: Double
        public var clipsPerSecond: Double
    }

    /// Resolves the voice selection against what is installed and builds the plan.
    public static func plan(_ o: SpeechDataOptions) throws(EdgeError) -> SpeechDataPlan {
        let langs = try select(o.espeakLanguages, from: VoiceCatalog.espeakLanguages(), what: "espeak-ng voice")
        let variants = try select(o.espeakVariants, from: VoiceCatalog.espeakVariants(), what: "espeak-ng variant")
        let flite = try select(o.fliteVoices, from: VoiceCatalog.fliteVoices(), what: "flite voice")
        return try SpeechDataPlan(options: o, espeakLanguages: langs, espeakVariants: variants, fliteVoices: flite)
    }

    static func select(_ wanted: [String]?, from installed: [String], what: String) throws(EdgeError) -> [String] {
        guard let wanted else { return installed }
        for w in wanted where !installed.contains(w) {
            throw EdgeError(.invalidInput, "\(what) '\(w)' is not installed; available: \(installed.joined(separator: ", "))")
        }
        return wanted
    }

    /// Makes every clip of `plan` under `directory` (created if needed; an earlier data set
    /// there is replaced).
    public static func generate(_ plan: SpeechDataPlan, options o: SpeechDataOptions, into directory: String,
                                progress: (@Sendable (Int, Int) -> Void)? = nil) throws(EdgeError) -> Summary {
        let start = Date()
        let fm = FileManager.default
        let scratch = directory + "/.scratch"
        let rows = rowNumbers(plan)
        var tensors = [SpeechSplit: (features: Tensor, labels: Tensor)]()
        for (split, n) in rows.counts {
            tensors[split] = (try Tensor(zeros: .float32, shape: [n, 1, LogMelFrontend.Contract.clipFrames, LogMelFrontend.Contract.melBands]),
                              try Tensor(zeros: .int64, shape: [n]))
        }
        do {
            // Only what this generator writes is removed: stale clips of an earlier, larger run
            // would otherwise sit beside the new ones.
            for owned in ["wav", Manifest.fileName, "dataset.json"] + SpeechSplit.allCases.map(\.rawValue) {
                if fm.fileExists(atPath: "\(directory)/\(owned)") { try fm.removeItem(atPath: "\(directory)/\(owned)") }
            }
            try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            for split in rows.counts.keys {
                for label in SpeechLabels.all {
                    try fm.createDirectory(atPath: "\(directory)/wav/\(split.rawValue)/\(label)", withIntermediateDirectories: true)
                }
            }
        } catch { throw EdgeError(.io, "cannot create \(directory): \(error.localizedDescription)") }

        let state = GeneratorState(count: plan.clips.count)
        let jobs = max(1, o.jobs)
        let targets = tensors.mapValues { (UnsafeSendable($0.features.storage.bytes), UnsafeSendable($0.labels.storage.bytes)) }
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            do {
                var synth = try Synthesizer(scratchDirectory: scratch)
                var frontend = LogMelFrontend()
                for i in stride(from: worker, to: plan.clips.count, by: jobs) where !state.failed {
                    let spec = plan.clips[i]
                    let (samples, entry) = try makeClip(spec, row: rows.row[i], synth: &synth)
                    try WAVEncoder.write(try AudioClip(mono: samples, sampleRate: 16_000), to: "\(directory)/\(entry.path)")
                    let feats = frontend.features(samples)
                    let (f, l) = targets[spec.split]!
                    let stride = feats.count
                    feats.withUnsafeBytes { src in
                        (f.value + entry.row * stride * 4).copyMemory(from: src.baseAddress!, byteCount: src.count)
                    }
                    l.value.storeBytes(of: Int64(entry.labelIndex), toByteOffset: entry.row * 8, as: Int64.self)
                    state.finish(i, entry, progress: progress)
                }
            } catch {
                state.fail(error as? EdgeError ?? EdgeError(.io, "\(error)"))
            }
        }
        try? fm.removeItem(atPath: scratch)
        if let e = state.error { throw e }

        let entries = state.entries.map { $0! }
        for (split, t) in tensors {
            try fm.createDirectoryOrThrow("\(directory)/\(split.rawValue)")
            try Npy.write(t.features, path: "\(directory)/\(split.rawValue)/features.npy")
            try Npy.write(t.labels, path: "\(directory)/\(split.rawValue)/labels.npy")
        }
        try write(Manifest.encode(entries), to: "\(directory)/\(Manifest.fileName)")
        let seconds = Date().timeIntervalSince(start)
        let summary = Summary(clips: entries.count, perSplit: Dictionary(uniqueKeysWithValues: rows.counts.map { ($0.key.rawValue, $0.value) }),
                              seconds: seconds, clipsPerSecond: Double(entries.count) / max(seconds, 1e-9))
        try writeDescription(plan, options: o, to: "\(directory)/dataset.json")
        return summary
    }

    /// Synthesizes (or, for silence, generates) and augments one clip.
    static func makeClip(_ spec: ClipSpec, row: Int, synth: inout Synthesizer) throws(EdgeError) -> ([Float], ManifestEntry) {
        var rng = SeededRandom(seed: spec.seed)
        let samples: [Float], aug: AugmentationParams
        if let word = spec.word, let voice = spec.voice, let prosody = spec.prosody {
            let speech = try synth.speak(word, voice: voice, params: prosody, tag: "clip\(spec.index)")
            guard speech.contains(where: { $0 != 0 }) else { throw EdgeError(.io, "\(voice.id) produced silence for '\(word)'") }
            (samples, aug) = Augmenter.word(speech, rng: &rng)
        } else {
            (samples, aug) = Augmenter.silence(rng: &rng)
        }
        let path = "wav/\(spec.split.rawValue)/\(spec.label)/\(String(format: "%06d", spec.index)).wav"
        let entry = ManifestEntry(path: path, label: spec.label, labelIndex: SpeechLabels.index(of: spec.label)!, split: spec.split,
                                  row: row, word: spec.word, voice: spec.voice?.id, engine: spec.voice?.engine.rawValue ?? "noise",
                                  prosody: spec.prosody, augmentation: aug)
        return (samples, entry)
    }

    /// Row of each clip within its split, and the split sizes.
    static func rowNumbers(_ plan: SpeechDataPlan) -> (row: [Int], counts: [SpeechSplit: Int]) {
        var counts = [SpeechSplit: Int]()
        let row = plan.clips.map { c -> Int in
            defer { counts[c.split, default: 0] += 1 }
            return counts[c.split, default: 0]
        }
        return (row, counts)
    }

    /// `dataset.json`: how the set was made. No timing, so reruns compare byte for byte.
    static func writeDescription(_ plan: SpeechDataPlan, options o: SpeechDataOptions, to path: String) throws(EdgeError) {
        struct Description: Codable {
            var seed: UInt64, perWord: Int, labels: [String], heldOutEngine: String, tools: [String: String]
            var voices: [String: [String]], frontend: String
        }
        let d = Description(seed: o.seed, perWord: o.perWord, labels: SpeechLabels.all, heldOutEngine: TTSEngine.flite.rawValue,
                            tools: ToolRunner.versions(), voices: Dictionary(uniqueKeysWithValues: plan.voices.map { ($0.key.rawValue, $0.value) }),
                            frontend: "log-mel: 400/160 Hann, 512 FFT, 40 HTK mel 20-7600 Hz, log(x+1e-6)")
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try write(Array(try! enc.encode(d)), to: path)
    }

    static func write(_ bytes: [UInt8], to path: String) throws(EdgeError) {
        do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw EdgeError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }
}

extension FileManager {
    func createDirectoryOrThrow(_ path: String) throws(EdgeError) {
        do { try createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw EdgeError(.io, "cannot create \(path): \(error.localizedDescription)")
        }
    }
}
