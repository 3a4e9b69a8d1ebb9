import EdgeRuntime

extension EdgeError.Code {
    /// Audio bytes (WAV or raw PCM) are malformed or outside the supported formats.
    public static let invalidAudio = EdgeError.Code(rawValue: "invalid_audio")
}

/// Decoded audio: interleaved float samples in [-1, 1] at one sample rate.
///
/// Layout for `channels = 2`: `[L0, R0, L1, R1, …]`; `frameCount = samples.count / channels`.
public struct AudioClip: Sendable, Equatable {
    /// Samples per second of one channel.
    public var sampleRate: Int
    /// Interleaved channels (1…8).
    public var channels: Int
    /// Interleaved samples, nominally in [-1, 1].
    public var samples: [Float]

    /// Supported sample rates, inclusive (8 kHz telephony up to 192 kHz studio).
    public static let sampleRateRange = 8_000...192_000
    /// Supported channel counts, inclusive.
    public static let channelRange = 1...8

    /// - Throws: `invalid_audio` when the rate or channel count is unsupported or the sample
    ///   count is not a whole number of frames.
    public init(sampleRate: Int, channels: Int, samples: [Float]) throws(EdgeError) {
        guard Self.sampleRateRange.contains(sampleRate) else {
            throw EdgeError(.invalidAudio, "sample rate \(sampleRate) Hz is outside \(Self.sampleRateRange.lowerBound)…\(Self.sampleRateRange.upperBound) Hz")
        }
        guard Self.channelRange.contains(channels) else {
            throw EdgeError(.invalidAudio, "\(channels) channels; 1…8 are supported")
        }
        guard samples.count % channels == 0 else {
            throw EdgeError(.invalidAudio, "\(samples.count) samples is not a whole number of \(channels)-channel frames")
        }
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    /// Mono audio at `sampleRate`.
    public init(mono samples: [Float], sampleRate: Int) throws(EdgeError) {
        try self.init(sampleRate: sampleRate, channels: 1, samples: samples)
    }

    /// Samples per channel.
    public var frameCount: Int { samples.count / channels }

    /// Length in seconds.
    public var duration: Double { Double(frameCount) / Double(sampleRate) }

    /// The average of the channels (equal weights: no channel is assumed to be the voice).
    public func downmixed() -> AudioClip {
        guard channels > 1 else { return self }
        let c = channels
        let scale = 1 / Float(c)
        var out = [Float](repeating: 0, count: frameCount)
        samples.withUnsafeBufferPointer { src in
            for f in 0..<out.count {
                var sum: Float = 0
                for k in 0..<c { sum += src[f * c + k] }
                out[f] = sum * scale
            }
        }
        // Invariants hold: rate unchanged, one channel, any count is whole.
        return try! AudioClip(sampleRate: sampleRate, channels: 1, samples: out)
    }

    /// Mono audio at `rate` Hz: downmixed, then resampled when the rate differs.
    public func monoResampled(to rate: Int) throws(EdgeError) -> AudioClip {
        let mono = downmixed()
        guard rate != sampleRate else { return mono }
        let r = try Resampler(from: sampleRate, to: rate)
        return try AudioClip(mono: r.process(mono.samples), sampleRate: rate)
    }
}
