import EdgeRuntime
import Foundation

/// Writes `AudioClip`s as canonical 44-byte-header WAV files.
public enum WAVEncoder {
    /// Sample formats the encoder writes.
    public enum SampleFormat: Sendable {
        /// 16-bit signed PCM; samples are clipped to [-1, 1] and rounded to nearest.
        case pcm16
        /// 32-bit IEEE float, bit-exact.
        case float32
    }

    /// The WAV bytes of `clip`.
    public static func encode(_ clip: AudioClip, format: SampleFormat = .pcm16) -> [UInt8] {
        let bytesPerSample = format == .pcm16 ? 2 : 4
        let dataBytes = clip.samples.count * bytesPerSample
        var out = [UInt8]()
        out.reserveCapacity(44 + dataBytes)
        func put32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func put16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        out += Array("RIFF".utf8); put32(UInt32(36 + dataBytes)); out += Array("WAVE".utf8)
        out += Array("fmt ".utf8); put32(16)
        put16(format == .pcm16 ? 1 : 3)
        put16(UInt16(clip.channels))
        put32(UInt32(clip.sampleRate))
        put32(UInt32(clip.sampleRate * clip.channels * bytesPerSample))
        put16(UInt16(clip.channels * bytesPerSample))
        put16(UInt16(8 * bytesPerSample))
        out += Array("data".utf8); put32(UInt32(dataBytes))
        for s in clip.samples {
            switch format {
            case .pcm16: put16(UInt16(bitPattern: pcm16(s)))
            case .float32: put32(s.bitPattern)
            }
        }
        return out
    }

    /// Writes `clip` to `path` atomically.
    public static func write(_ clip: AudioClip, to path: String, format: SampleFormat = .pcm16) throws(EdgeError) {
        do { try Data(encode(clip, format: format)).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw EdgeError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// A float sample as 16-bit PCM: scaled by 32768 (the decoder's inverse), clipped, rounded.
    static func pcm16(_ s: Float) -> Int16 {
        guard s.isFinite else { return 0 }
        return Int16(max(-32768, min(32767, (s * 32768).rounded())))
    }
}
