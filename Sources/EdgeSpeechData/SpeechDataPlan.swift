import EdgeRuntime

/// Data-set splits. A voice (engine voice + variant) belongs to exactly one of them.
public enum SpeechSplit: String, Sendable, Codable, CaseIterable {
    case train, val, test
    /// Every clip of the held-out TTS engine (never seen in train/val/test).
    case testEngine = "test_engine"
}

/// What to generate; everything else follows from `seed`.
public struct SpeechDataOptions: Sendable {
    public var seed: UInt64
    /// Clips per class over train + val + test (split 80/10/10); the held-out engine split
    /// gets `heldOutFraction` of this per class on top.
    public var perWord: Int
    /// espeak-ng language voices and variants to use; nil: all installed.
    public var espeakLanguages: [String]?
    public var espeakVariants: [String]?
    /// flite voices for the held-out engine split; nil: all installed.
    public var fliteVoices: [String]?
    public var heldOutFraction = 0.2
    /// Worker threads (each runs its own TTS processes).
    public var jobs = 2

    public init(seed: UInt64, perWord: Int) {
        self.seed = seed
        self.perWord = perWord
    }
}

/// One clip to make: which class, word, voice and prosody, and its own random stream.
public struct ClipSpec: Sendable {
    public var index: Int
    public var label: String
    public var split: SpeechSplit
    /// The spoken word and voice; nil for `_silence_`.
    public var word: String?
    public var voice: Voice?
    public var prosody: SynthesisParams?
    /// Seed of the clip's augmentation stream.
    public var seed: UInt64
}

/// The deterministic list of clips for a set of voices.
///
/// espeak-ng voices are split **by variant**: the variants (speaker timbres) are shuffled by
/// the seed and dealt 80/10/10 (at least one each) to train/val/test, and a voice
/// `LANG+VARIANT` goes where its variant went, so no test timbre is ever heard in training in
/// any accent. flite (the held-out engine) forms `test_engine` alone.
public struct SpeechDataPlan: Sendable {
    public let clips: [ClipSpec]
    /// Voice ids per split.
    public let voices: [SpeechSplit: [String]]

    public init(options o: SpeechDataOptions, espeakLanguages: [String], espeakVariants: [String], fliteVoices: [String]) throws(EdgeError) {
        guard o.perWord >= 1 else { throw EdgeError(.invalidInput, "--per-word must be at least 1") }
        guard !espeakLanguages.isEmpty else { throw EdgeError(.invalidInput, "no espeak-ng English voice selected") }
        guard espeakVariants.count >= 3 else {
            throw EdgeError(.invalidInput, "need at least 3 espeak-ng variants to split voices three ways, got \(espeakVariants.count)")
        }
        guard !fliteVoices.isEmpty else { throw EdgeError(.invalidInput, "no flite voice selected for the held-out engine split") }

        var shuffleRNG = SeededRandom(seed: o.seed, 1)
        let variants = espeakVariants.sorted().shuffled(using: &shuffleRNG)
        let nTest = max(1, Int((0.1 * Double(variants.count)).rounded()))
        let nVal = nTest
        let dealt: [SpeechSplit: [String]] = [
            .test: Array(variants.prefix(nTest)),
            .val: Array(variants.dropFirst(nTest).prefix(nVal)),
            .train: Array(variants.dropFirst(nTest + nVal)),
        ]
        var voiceSets = [SpeechSplit: [Voice]]()
        for (split, vs) in dealt {
            voiceSets[split] = espeakLanguages.flatMap { lang in vs.map { Voice(engine: .espeak, name: lang, variant: $0) } }
        }
        voiceSets[.testEngine] = fliteVoices.map { Voice(engine: .flite, name: $0) }
        voices = voiceSets.mapValues { $0.map(\.id) }

        let perSplit: [(SpeechSplit, Int)] = [
            (.train, max(1, Int((0.8 * Double(o.perWord)).rounded()))),
            (.val, max(1, Int((0.1 * Double(o.perWord)).rounded()))),
            (.test, max(1, Int((0.1 * Double(o.perWord)).rounded()))),
            (.testEngine, max(1, Int((o.heldOutFraction * Double(o.perWord)).rounded()))),
        ]
        var clips = [ClipSpec]()
        for (s, (split, count)) in perSplit.enumerated() {
            let pool = voiceSets[split]!
            for (l, label) in SpeechLabels.all.enumerated() {
                for j in 0..<count {
                    var rng = SeededRandom(seed: o.seed, 2, UInt64(s), UInt64(l), UInt64(j))
                    var spec = ClipSpec(index: clips.count, label: label, split: split, seed: rng.next())
                    if label != SpeechLabels.silence {
                        let voice = rng.pick(pool)
                        spec.voice = voice
                        spec.word = label == SpeechLabels.unknown ? rng.pick(SpeechLabels.unknownWords) : label
                        spec.prosody = SynthesisParams.draw(for: voice.engine, &rng)
                    }
                    clips.append(spec)
                }
            }
        }
        self.clips = clips
    }
}
