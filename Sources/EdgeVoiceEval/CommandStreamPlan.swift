import EdgeSpeechData
import Foundation

/// Settings of a generated test stream (`edge-assistant voice stream-make`).
public struct CommandStreamOptions: Sendable {
    /// Length of the stream.
    public var seconds: Double = 3600
    /// Share of speech items that are a command (the rest are phrases of 1–4 non-command
    /// words). 0.15 gives about 3 commands a minute.
    public var commandShare = 0.15
    /// Voices the words are spoken with (e.g. the data set's held-out `test` split).
    public var voices: [Voice]
    /// Worker threads for synthesis and noise.
    public var jobs = 4

    public init(voices: [Voice]) { self.voices = voices }
}

/// One spoken word of the stream, with every random choice made up front.
struct PlannedWord: Sendable {
    var word: String
    var isCommand: Bool
    var voice: Voice
    var prosody: SynthesisParams
    /// RMS level of the word in dBFS.
    var levelDB: Double
    /// Reverberation (RT60 s, wet gain), or nil when dry.
    var reverb: (rt60: Double, wet: Double)?
    /// Pause before the word, in samples (noise bed only).
    var gapBefore: Int
}

/// One stretch of the background: a noise kind at a level, or near-digital silence.
struct PlannedNoise: Sendable {
    var kind: NoiseKind?
    var levelDB: Double
    var samples: Int
}

/// The deterministic list of words and noise stretches for a seed.
///
/// Words: pauses of 0.3–2.5 s between phrases of 1–4 non-command words (`SpeechLabels
/// .unknownWords`, 60–250 ms apart) and single command words with 0.6–1.5 s of pause on both
/// sides (a command is said on its own, as to a voice assistant). Levels: word RMS −35…−15 dBFS,
/// 30% reverberant (RT60 0.15–0.6 s); background −70…−40 dBFS RMS of a random noise kind in
/// 3–20 s stretches, 10% near-digital silence (−90 dBFS) — so every word is ≥ 5 dB above the
/// noise, like the training data's 3–30 dB SNR. More words are planned than fit (the words'
/// lengths are known only after synthesis); the layout stops at the stream's end.
struct CommandStreamPlan: Sendable {
    static let rate = 16_000
    var words: [PlannedWord] = []
    var noise: [PlannedNoise] = []

    init(seed: UInt64, options o: CommandStreamOptions) {
        precondition(!o.voices.isEmpty)
        let total = Int(o.seconds * Double(Self.rate))
        var rng = SeededRandom(seed: seed, 1)
        let ms = { (lo: Double, hi: Double, r: inout SeededRandom) in Int(r.uniform(lo, hi) * Double(Self.rate) / 1000) }
        // Words are ~0.55 s on average; plan 40% more time than the stream holds.
        var planned = 0
        var afterCommand = false
        while planned < total * 14 / 10 {
            if rng.chance(o.commandShare) {
                let gap = ms(600, 1500, &rng)
                words.append(Self.word(rng.pick(SpeechLabels.commands), command: true, gap: gap, o, &rng))
                afterCommand = true
                planned += gap + Self.rate * 55 / 100
            } else {
                for i in 0..<rng.int(1...4) {
                    var gap = i == 0 ? ms(300, 2500, &rng) : ms(60, 250, &rng)
                    if afterCommand { gap = max(gap, ms(600, 1500, &rng)) }
                    afterCommand = false
                    words.append(Self.word(rng.pick(SpeechLabels.unknownWords), command: false, gap: gap, o, &rng))
                    planned += gap + Self.rate * 55 / 100
                }
            }
        }
        var covered = 0
        var nrng = SeededRandom(seed: seed, 2)
        while covered < total {
            let n = min(total - covered, ms(3000, 20_000, &nrng))
            let quiet = nrng.chance(0.1)
            let kind = nrng.pick(NoiseKind.allCases)
            let level = quiet ? -90 : nrng.uniform(-70, -40)
            noise.append(PlannedNoise(kind: quiet ? nil : kind, levelDB: level, samples: n))
            covered += n
        }
    }

    private static func word(_ w: String, command: Bool, gap: Int, _ o: CommandStreamOptions, _ rng: inout SeededRandom) -> PlannedWord {
        let voice = rng.pick(o.voices)
        let prosody = SynthesisParams.draw(for: voice.engine, &rng)
        let level = rng.uniform(-35, -15)
        let reverb = rng.chance(0.3) ? ((rng.uniform(0.15, 0.6) * 100).rounded() / 100, (rng.uniform(0.1, 0.4) * 100).rounded() / 100) : nil
        return PlannedWord(word: w, isCommand: command, voice: voice, prosody: prosody, levelDB: level, reverb: reverb, gapBefore: gap)
    }
}
