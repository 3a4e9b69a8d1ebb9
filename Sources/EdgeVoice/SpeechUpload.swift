import EdgeAudio
import EdgeRuntime

/// `POST /v1/speech/recognize`: the commands in uploaded audio, through the same streaming
/// pipeline as the microphone (frontend, VAD gate, sliding window, detector).
public enum SpeechUpload {
    /// Longest accepted upload.
    public static let maxSeconds = 600

    /// Decodes `bytes` — a WAV file (any rate 8–192 kHz, 1–8 channels, 8/16/24/32-bit integer
    /// or float PCM), or else raw s16le mono at 16 kHz — downmixes and resamples to 16 kHz
    /// mono, and recognises the commands in it.
    /// - Throws: `invalid_audio` for undecodable bytes, `too_large` past `maxSeconds`.
    public static func recognize(_ bytes: [UInt8], provider: any SpeechModelProvider,
                                 options: StreamingRecognizer.Options = StreamingRecognizer.Options()) throws(EdgeError) -> [VoiceCommand] {
        let clip = try decode(bytes)
        guard provider.currentSpeechModel() != nil else {
            throw EdgeError(.unsupported, "no speech model is loaded")
        }
        let recognizer = StreamingRecognizer(provider: provider, options: options)
        let events = recognizer.recognize(samples: clip.samples)
        if let e = recognizer.lastError, recognizer.modelRuns == 0, events.isEmpty, e != "no speech model is loaded" {
            // The model was refused (contract violation): say so instead of "no commands".
            throw EdgeError(.invalidModel, e)
        }
        return events
    }

    /// 16 kHz mono samples of an upload (WAV, or raw s16le 16 kHz mono).
    public static func decode(_ bytes: [UInt8]) throws(EdgeError) -> AudioClip {
        let rate = LogMelFrontend.Contract.sampleRate
        let isWAV = bytes.count >= 12 && bytes[0..<4].elementsEqual("RIFF".utf8) && bytes[8..<12].elementsEqual("WAVE".utf8)
        let clip = isWAV
            ? try WAVDecoder.decode(bytes, limits: WAVDecoder.Limits(maxFrames: maxSeconds * 48_000))
            : try RawPCM.decodeS16LE(bytes, sampleRate: rate, channels: 1, maxFrames: maxSeconds * rate)
        guard clip.duration <= Double(maxSeconds) else {
            throw EdgeError(.tooLarge, "audio lasts \(Int(clip.duration)) s; the limit is \(maxSeconds) s")
        }
        return try clip.monoResampled(to: rate)
    }
}
