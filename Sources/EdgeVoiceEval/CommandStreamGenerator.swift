import EdgeAudio
import EdgeRuntime
import EdgeSpeechData
import Foundation

/// Makes a long 16 kHz test stream of non-command speech and noise with command words at known
/// times, plus its ground truth: the input of `StreamScorer` (issue 7's false-events-per-hour
/// and detection-rate bars).
///
/// Deterministic: every random choice comes from the seed (`CommandStreamPlan`), synthesis and
/// noise run on worker threads but land at planned places, so the same seed and the same TTS
/// versions give the same samples. Words come from EdgeSpeechData's `Synthesizer`, noise from
/// its `NoiseGenerator`, reverberation and trimming from its `Augmenter`: the stream is made of
/// the same material as the training data, with voices the caller picks (held-out ones).
public enum CommandStreamGenerator {
    /// The stream (16 kHz mono, rounded to 16-bit steps) and its ground truth.
    public struct Stream: Sendable {
        public var samples: [Float]
        public var truth: StreamTruth
    }

    /// - Parameter scratchDirectory: where the TTS tools write their WAV files (created; the
    ///   files are removed after reading).
    /// - Throws: `EdgeError` when a TTS tool fails or the options are unusable.
    public static func make(seed: UInt64, options o: CommandStreamOptions, scratchDirectory: String) throws(EdgeError) -> Stream {
        guard !o.voices.isEmpty else { throw EdgeError(.invalidInput, "a stream needs at least one voice") }
        guard o.seconds >= 1, o.seconds <= 6 * 3600 else { throw EdgeError(.invalidInput, "stream length must be 1 s … 6 h, got \(o.seconds) s") }
        guard (0...1).contains(o.commandShare) else { throw EdgeError(.invalidInput, "command share must be 0…1, got \(o.commandShare)") }
        do { try FileManager.default.createDirectory(atPath: scratchDirectory, withIntermediateDirectories: true) } catch {
            throw EdgeError(.io, "cannot create \(scratchDirectory): \(error.localizedDescription)")
        }
        let plan = CommandStreamPlan(seed: seed, options: o)
        let words = try ParallelWork.map(count: plan.words.count, jobs: o.jobs, worker: { () throws(EdgeError) in try Synthesizer(scratchDirectory: scratchDirectory) }) {
            (synth: inout Synthesizer, i: Int) throws(EdgeError) in
            try render(plan.words[i], index: i, seed: seed, synth: &synth)
        }
        let noise = try ParallelWork.map(count: plan.noise.count, jobs: o.jobs, worker: { () throws(EdgeError) in () }) {
            (_: inout Void, i: Int) throws(EdgeError) in
            let n = plan.noise[i]
            var rng = SeededRandom(seed: seed, 4, UInt64(i))
            let x = NoiseGenerator.make(n.kind ?? .white, count: n.samples, rng: &rng)
            return scaled(x, rmsDB: n.levelDB)
        }
        return assemble(plan, words: words, noise: noise, seed: seed, voices: o.voices)
    }

    /// A synthesized word: samples ready to add (level set, maybe reverberant) and the length
    /// of its dry part (the ground truth's extent).
    struct RenderedWord: Sendable {
        var samples: [Float]
        var dryCount: Int
    }

    static func render(_ w: PlannedWord, index: Int, seed: UInt64, synth: inout Synthesizer) throws(EdgeError) -> RenderedWord {
        let dry = Augmenter.trimmed(try synth.speak(w.word, voice: w.voice, params: w.prosody, tag: "w\(index)"))
        guard !dry.isEmpty else { throw EdgeError(.io, "\(w.voice.id) produced silence for '\(w.word)'") }
        var x = dry
        if let r = w.reverb {
            var rng = SeededRandom(seed: seed, 3, UInt64(index))
            x = Augmenter.reverberate(x, rt60: r.rt60, wet: r.wet, rng: &rng)
        }
        // Level from the dry word's RMS; never above −1 dBFS peak.
        let gain = min(Float(pow(10, w.levelDB / 20)) / max(rms(dry), 1e-9), 0.89 / max(x.map(abs).max() ?? 1, 1e-9))
        return RenderedWord(samples: x.map { $0 * gain }, dryCount: dry.count)
    }

    static func scaled(_ x: [Float], rmsDB: Double) -> [Float] {
        let g = Float(pow(10, rmsDB / 20))
        // 20 ms fades so a change of background is not a click.
        let fade = min(320, x.count / 2)
        return x.enumerated().map { i, v in
            let edge = min(i, x.count - 1 - i)
            return v * g * (edge < fade ? Float(edge) / Float(fade) : 1)
        }
    }

    static func assemble(_ plan: CommandStreamPlan, words: [RenderedWord], noise: [[Float]], seed: UInt64, voices: [Voice]) -> Stream {
        let total = noise.reduce(0) { $0 + $1.count }
        var out = [Float](repeating: 0, count: total)
        var at = 0
        for n in noise {
            out.withUnsafeMutableBufferPointer { o in for i in 0..<n.count { o[at + i] = n[i] } }
            at += n.count
        }
        let ms = { (sample: Int) in sample * 1000 / CommandStreamPlan.rate }
        var commands: [EmbeddedCommand] = []
        var fillers = 0
        var t = CommandStreamPlan.rate   // 1 s of background first
        for (p, w) in zip(plan.words, words) {
            let start = t + p.gapBefore
            // Leave 1.5 s of background at the end so the last word is decided inside the stream.
            guard start + w.samples.count + CommandStreamPlan.rate * 3 / 2 <= total else { break }
            out.withUnsafeMutableBufferPointer { o in for i in 0..<w.samples.count { o[start + i] += w.samples[i] } }
            if p.isCommand {
                commands.append(EmbeddedCommand(label: p.word, startMs: ms(start), endMs: ms(start + w.dryCount), voice: p.voice.id))
            } else {
                fillers += 1
            }
            t = start + w.dryCount
        }
        for i in out.indices { out[i] = max(-32768, min(32767, (out[i] * 32768).rounded())) / 32768 }
        let truth = StreamTruth(seed: seed, durationMs: ms(total), fillerWords: fillers, voices: voices.map(\.id), commands: commands)
        return Stream(samples: out, truth: truth)
    }
}
