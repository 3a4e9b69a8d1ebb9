import EdgeRuntime

/// How one sample is stored in little-endian PCM bytes.
public enum PCMEncoding: Sendable, Equatable, CustomStringConvertible {
    /// Signed integers of 16, 24 or 32 bits, or unsigned 8-bit (offset 128), as WAV stores them.
    case int(bits: Int)
    /// IEEE float of 32 or 64 bits.
    case float(bits: Int)

    /// Bytes per sample.
    public var bytesPerSample: Int {
        switch self {
        case .int(let b), .float(let b): return b / 8
        }
    }

    public var description: String {
        switch self {
        case .int(let b): return "\(b)-bit integer PCM"
        case .float(let b): return "\(b)-bit float"
        }
    }

    /// Checks the bit depth is one this decoder reads.
    func validate() throws(EdgeError) {
        switch self {
        case .int(let b) where [8, 16, 24, 32].contains(b): return
        case .float(let b) where b == 32 || b == 64: return
        default: throw EdgeError(.invalidAudio, "unsupported sample format: \(self)")
        }
    }

    /// Decodes `count` samples from little-endian bytes to floats in [-1, 1].
    ///
    /// Integers are divided by 2^(bits-1) (so full-scale negative is exactly -1); floats are
    /// clipped to [-1, 1] (as integer formats are by construction), with NaN and ±∞ (which
    /// untrusted files may hold) replaced by 0, so no later stage sees overflowing values.
    /// - Precondition: `bytes.count >= count * bytesPerSample` (the caller checked it).
    func decode(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Float] {
        precondition(bytes.count >= count * bytesPerSample)
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { dst in
            switch self {
            case .int(8):
                for i in 0..<count { dst[i] = (Float(bytes[i]) - 128) / 128 }
            case .int(16):
                for i in 0..<count {
                    dst[i] = Float(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) / 32768
                }
            case .int(24):
                for i in 0..<count {
                    let o = 3 * i
                    // Assemble into the top three bytes of an Int32 so the sign comes for free.
                    let v = Int32(bitPattern: UInt32(bytes[o]) << 8 | UInt32(bytes[o + 1]) << 16 | UInt32(bytes[o + 2]) << 24)
                    dst[i] = Float(v >> 8) / 8_388_608
                }
            case .int(_):
                for i in 0..<count {
                    dst[i] = Float(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) / 2_147_483_648
                }
            case .float(32):
                for i in 0..<count {
                    let v = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    dst[i] = v.isFinite ? min(1, max(-1, v)) : 0
                }
            case .float(_):
                for i in 0..<count {
                    let v = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
                    dst[i] = v.isFinite ? Float(min(1, max(-1, v))) : 0
                }
            }
        }
        return out
    }
}

/// Raw headerless PCM: signed 16-bit little-endian, the format ALSA captures and
/// `POST /v1/speech/recognize` accepts without a WAV header.
public enum RawPCM {
    /// Decodes raw s16le bytes.
    /// - Parameters:
    ///   - maxFrames: cap on samples per channel (the caller's length limit).
    /// - Throws: `invalid_audio` for an odd byte count or a partial frame, `too_large` past the cap.
    public static func decodeS16LE(_ bytes: [UInt8], sampleRate: Int = 16_000, channels: Int = 1,
                                   maxFrames: Int = WAVDecoder.Limits.default.maxFrames) throws(EdgeError) -> AudioClip {
        guard bytes.count % (2 * max(channels, 1)) == 0 else {
            throw EdgeError(.invalidAudio, "raw s16le audio of \(bytes.count) bytes is not a whole number of \(channels)-channel 16-bit frames")
        }
        let count = bytes.count / 2
        guard count / max(channels, 1) <= maxFrames else {
            throw EdgeError(.tooLarge, "raw audio holds \(count / max(channels, 1)) frames; the limit is \(maxFrames)")
        }
        let samples = bytes.withUnsafeBytes { PCMEncoding.int(bits: 16).decode($0, count: count) }
        return try AudioClip(sampleRate: sampleRate, channels: channels, samples: samples)
    }
}
