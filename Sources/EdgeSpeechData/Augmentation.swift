import Foundation

/// Everything random that shaped one clip, recorded in the manifest so a clip can be explained
/// (and re-made) from its line alone.
public struct AugmentationParams: Sendable, Codable, Equatable {
    /// First sample of the word inside the 1 s window (time shift); nil for `_silence_`.
    public var shiftSamples: Int?
    /// Peak level of the word in dBFS (gain); nil for `_silence_`.
    public var peakDB: Double?
    /// Reverberation: RT60 in seconds and wet gain; nil when dry.
    public var reverbRT60: Double?
    public var reverbWet: Double?
    /// Background noise kind and its level: SNR in dB under a word, RMS dBFS for `_silence_`.
    public var noise: NoiseKind?
    public var snrDB: Double?
    public var noiseDBFS: Double?
    /// Samples of speech dropped because the word (plus reverb tail) exceeded 1 s.
    public var croppedSamples: Int = 0

    enum CodingKeys: String, CodingKey {
        case shiftSamples = "shift_samples", peakDB = "peak_db", reverbRT60 = "reverb_rt60", reverbWet = "reverb_wet"
        case noise, snrDB = "snr_db", noiseDBFS = "noise_dbfs", croppedSamples = "cropped_samples"
    }
}

/// Turns a synthesized word (16 kHz mono) into a 1 s training clip.
///
/// Order: trim the engine's leading/trailing silence → reverberate (40%: velvet-noise impulse
/// response, exponentially decaying, RT60 0.15–0.7 s) → place at a random offset in the 1 s
/// window → scale to a random peak (−24…−1 dBFS) → add noise (85%: random kind, SNR 3–30 dB
/// against the word's RMS). Silence clips are noise alone at −60…−15 dBFS RMS (10%: near-digital
/// silence at −80 dBFS). The result is rounded to 16-bit, exactly as the WAV file stores it.
public enum Augmenter {
    public static let clipSamples = 16_000

    /// A 1 s clip from a spoken word.
    public static func word(_ speech: [Float], rng: inout SeededRandom) -> (samples: [Float], params: AugmentationParams) {
        var p = AugmentationParams()
        var x = trimmed(speech)
        if rng.chance(0.4) {
            let rt60 = (rng.uniform(0.15, 0.7) * 100).rounded() / 100
            let wet = (rng.uniform(0.1, 0.5) * 100).rounded() / 100
            x = reverberate(x, rt60: rt60, wet: wet, rng: &rng)
            p.reverbRT60 = rt60
            p.reverbWet = wet
        }
        if x.count > clipSamples {
            p.croppedSamples = x.count - clipSamples
            x.removeLast(x.count - clipSamples)
        }
        let shift = rng.int(0...(clipSamples - x.count))
        let peakDB = (rng.uniform(-24, -1) * 10).rounded() / 10
        let peak = x.map(abs).max() ?? 0
        let gain = peak > 0 ? Float(pow(10, peakDB / 20)) / peak : 0
        var out = [Float](repeating: 0, count: clipSamples)
        for i in 0..<x.count { out[shift + i] = x[i] * gain }
        p.shiftSamples = shift
        p.peakDB = peakDB
        if rng.chance(0.85) {
            let kind = rng.pick(NoiseKind.allCases)
            let snr = (rng.uniform(3, 30) * 10).rounded() / 10
            let speechRMS = rms(out[shift..<(shift + x.count)])
            let noise = NoiseGenerator.make(kind, count: clipSamples, rng: &rng)
            let scale = speechRMS / Float(pow(10, snr / 20))
            for i in 0..<clipSamples { out[i] += noise[i] * scale }
            p.noise = kind
            p.snrDB = snr
        }
        return (quantized(out), p)
    }

    /// A 1 s `_silence_` clip: background noise only.
    public static func silence(rng: inout SeededRandom) -> (samples: [Float], params: AugmentationParams) {
        var p = AugmentationParams()
        let kind = rng.pick(NoiseKind.allCases)
        let level = rng.chance(0.1) ? -80 : (rng.uniform(-60, -15) * 10).rounded() / 10
        let noise = NoiseGenerator.make(kind, count: clipSamples, rng: &rng)
        let scale = Float(pow(10, level / 20))
        p.noise = kind
        p.noiseDBFS = level
        return (quantized(noise.map { $0 * scale }), p)
    }

    /// Drops leading and trailing samples below 2% of the peak, keeping 10 ms of margin.
    public static func trimmed(_ x: [Float]) -> [Float] {
        let peak = x.map(abs).max() ?? 0
        guard peak > 0 else { return [] }
        let threshold = 0.02 * peak
        guard let first = x.firstIndex(where: { abs($0) > threshold }),
              let last = x.lastIndex(where: { abs($0) > threshold }) else { return [] }
        return Array(x[max(0, first - 160)...min(x.count - 1, last + 160)])
    }

    /// `x + wet · (x ∗ h)`, `h` a velvet-noise tail: one ±1 impulse per 1/1500 s slot at a random
    /// place in the slot, decaying by 60 dB over `rt60`, scaled to unit energy. Sparse, so the
    /// convolution costs ~1500·rt60 multiply-adds per sample instead of 16000·rt60.
    public static func reverberate(_ x: [Float], rt60: Double, wet: Double, rng: inout SeededRandom) -> [Float] {
        let length = Int(rt60 * 16_000)
        let slot = 16_000 / 1500
        var taps = [(Int, Float)]()
        var energy: Float = 0
        var start = slot   // the direct path is x itself; the tail starts one slot later
        // Whole slots only, so every tap lands inside the tail (an RT60 that is not a multiple
        // of a slot used to put the last tap past the end of `y`).
        while start + slot <= length {
            let at = start + rng.int(0...(slot - 1))
            let a = Float(exp(-6.9078 * Double(at) / Double(length))) * (rng.chance(0.5) ? 1 : -1)
            taps.append((at, a))
            energy += a * a
            start += slot
        }
        let norm = Float(wet) / max(energy.squareRoot(), 1e-9)
        var y = x + [Float](repeating: 0, count: length)
        for (at, a) in taps {
            let g = a * norm
            for i in 0..<x.count { y[at + i] += g * x[i] }
        }
        return y
    }

    /// Clipped to [-1, 1] and rounded to 16-bit steps, as the WAV file will hold it.
    static func quantized(_ x: [Float]) -> [Float] {
        x.map { max(-32768, min(32767, ($0 * 32768).rounded())) / 32768 }
    }
}
