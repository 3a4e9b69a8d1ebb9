import EdgeAudio
import EdgeRuntime
import Foundation

/// Prosody for one utterance; the ranges are in `SynthesisParams.draw`.
public struct SynthesisParams: Sendable, Codable, Equatable {
    /// espeak-ng: pitch 0–99 (`-p`). flite: mean F0 in Hz (`int_f0_target_mean`).
    public var pitch: Double
    /// espeak-ng: words per minute (`-s`). flite: duration stretch (`duration_stretch`, >1 slower).
    public var speed: Double

    /// Draws prosody for `engine` (ranges chosen to stay intelligible).
    public static func draw(for engine: TTSEngine, _ rng: inout SeededRandom) -> SynthesisParams {
        switch engine {
        case .espeak: return SynthesisParams(pitch: rng.uniform(20, 90).rounded(), speed: rng.uniform(120, 220).rounded())
        case .flite: return SynthesisParams(pitch: rng.uniform(85, 210).rounded(), speed: (rng.uniform(0.8, 1.35) * 100).rounded() / 100)
        }
    }
}

/// Speaks one word with espeak-ng or flite and returns it as 16 kHz mono.
///
/// espeak-ng: `espeak-ng -v LANG+VARIANT -p PITCH -s SPEED -w FILE WORD` (22.05 kHz output);
/// flite: `flite -voice NAME --setf int_f0_target_mean=F0 --setf duration_stretch=S -t WORD -o FILE`
/// (8 or 16 kHz by voice). Output goes through `WAVDecoder` and `Resampler` like any upload.
public struct Synthesizer: Sendable {
    private let scratchDirectory: String
    private var resamplers: [Int: Resampler]

    /// - Parameter scratchDirectory: where the tools write their WAV files (removed after reading).
    public init(scratchDirectory: String) throws(EdgeError) {
        self.scratchDirectory = scratchDirectory
        // The engines' native rates; other rates get a resampler on first use.
        resamplers = [:]
        for rate in [22_050, 8_000] { resamplers[rate] = try Resampler(from: rate, to: 16_000) }
    }

    /// Synthesizes `word`; `tag` makes the scratch file name unique among concurrent calls.
    public mutating func speak(_ word: String, voice: Voice, params: SynthesisParams, tag: String) throws(EdgeError) -> [Float] {
        let file = "\(scratchDirectory)/\(tag).wav"
        defer { try? FileManager.default.removeItem(atPath: file) }
        switch voice.engine {
        case .espeak:
            let v = voice.name + (voice.variant.map { "+\($0)" } ?? "")
            try ToolRunner.output(of: "espeak-ng", ["-v", v, "-p", "\(Int(params.pitch))", "-s", "\(Int(params.speed))", "-w", file, word])
        case .flite:
            try ToolRunner.output(of: "flite", ["-voice", voice.name, "--setf", "int_f0_target_mean=\(params.pitch)",
                                                "--setf", "duration_stretch=\(params.speed)", "-t", word, "-o", file])
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw EdgeError(.io, "\(voice.id) wrote no audio for '\(word)'")
        }
        let clip = try WAVDecoder.decode(Array(data)).downmixed()
        if clip.sampleRate == 16_000 { return clip.samples }
        if resamplers[clip.sampleRate] == nil { resamplers[clip.sampleRate] = try Resampler(from: clip.sampleRate, to: 16_000) }
        return resamplers[clip.sampleRate]!.process(clip.samples)
    }
}
