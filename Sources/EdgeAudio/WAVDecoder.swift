import EdgeRuntime

/// Reads RIFF/WAVE bytes from an untrusted source into an `AudioClip`.
///
/// ```
/// offset 0   "RIFF" u32 size "WAVE"
/// offset 12  chunk: id[4] u32 size  payload[size]  pad byte if size is odd
///            … "fmt " (16, 18 or 40 bytes), "data", and any others (LIST, fact, …) skipped
/// ```
/// Accepted: PCM 8/16/24/32-bit integer, 32/64-bit IEEE float, `WAVE_FORMAT_EXTENSIBLE` with
/// a PCM or float sub-format, 1–8 channels, 8–192 kHz. Chunks may come in any order.
/// Leniencies (common in files written by streaming tools): the RIFF size is not trusted (the
/// walk stops at the end of the bytes), a data size of 0xFFFFFFFF means "to the end of the
/// file", a missing final pad byte is fine and a trailing partial frame is dropped.
/// Everything else that does not add up — truncated chunks, missing `fmt `/`data`, a block
/// align that contradicts the format, audio past the length cap — is an `EdgeError` whose
/// message names the problem; no input crashes the decoder.
public enum WAVDecoder {
    /// Caps that bound the work and memory one untrusted file can cause.
    public struct Limits: Sendable, Equatable {
        /// Maximum frames (samples per channel) decoded.
        public var maxFrames: Int
        /// Maximum chunks walked (a file of millions of empty chunks is not audio).
        public var maxChunks: Int

        public init(maxFrames: Int, maxChunks: Int = 1024) {
            self.maxFrames = maxFrames
            self.maxChunks = maxChunks
        }

        /// Ten minutes at 48 kHz: far more than any command clip, small enough to decode.
        public static let `default` = Limits(maxFrames: 48_000 * 600)
    }

    /// The decoded `fmt ` chunk.
    public struct Format: Sendable, Equatable {
        public var encoding: PCMEncoding
        public var channels: Int
        public var sampleRate: Int
        /// Bytes per frame (all channels of one sample instant).
        public var blockAlign: Int
    }

    /// Decodes a whole WAV file.
    public static func decode(_ bytes: [UInt8], limits: Limits = .default) throws(EdgeError) -> AudioClip {
        // withUnsafeBytes only rethrows untyped errors: carry the typed one out in a Result.
        try bytes.withUnsafeBytes { raw in Result { () throws(EdgeError) in try decode(raw, limits: limits) } }.get()
    }

    /// Decodes a whole WAV file held in `raw`.
    public static func decode(_ raw: UnsafeRawBufferPointer, limits: Limits = .default) throws(EdgeError) -> AudioClip {
        let (format, data) = try locateChunks(raw, limits: limits)
        let frames = data.count / format.blockAlign
        guard frames > 0 else { throw EdgeError(.invalidAudio, "WAV data chunk holds no complete sample frame") }
        guard frames <= limits.maxFrames else {
            throw EdgeError(.tooLarge, "WAV holds \(frames) frames (\(frames / format.sampleRate) s); the limit is \(limits.maxFrames) frames")
        }
        let samples = format.encoding.decode(UnsafeRawBufferPointer(rebasing: raw[data]), count: frames * format.channels)
        return try AudioClip(sampleRate: format.sampleRate, channels: format.channels, samples: samples)
    }

    /// Walks the chunk list; returns the parsed format and the byte range of the data payload.
    static func locateChunks(_ raw: UnsafeRawBufferPointer, limits: Limits) throws(EdgeError) -> (Format, Range<Int>) {
        guard raw.count >= 12 else { throw EdgeError(.invalidAudio, "WAV too short for a RIFF header (\(raw.count) bytes)") }
        let riff = fourCC(raw, 0)
        guard riff == "RIFF" else {
            if riff == "RF64" || riff == "RIFX" { throw EdgeError(.invalidAudio, "\(riff) WAV files are not supported; use little-endian RIFF") }
            throw EdgeError(.invalidAudio, "not a WAV file: no RIFF header")
        }
        guard fourCC(raw, 8) == "WAVE" else { throw EdgeError(.invalidAudio, "RIFF file is not WAVE (form type '\(fourCC(raw, 8))')") }

        var offset = 12
        var format: Format?
        var data: Range<Int>?
        var chunks = 0
        while raw.count - offset >= 8 {
            chunks += 1
            guard chunks <= limits.maxChunks else { throw EdgeError(.invalidAudio, "WAV has more than \(limits.maxChunks) chunks") }
            let id = fourCC(raw, offset)
            let size = Int(u32(raw, offset + 4))
            let body = offset + 8
            let remaining = raw.count - body
            if id == "data" {
                guard data == nil else { throw EdgeError(.invalidAudio, "WAV has two data chunks") }
                if size == 0xFFFF_FFFF {
                    data = body..<raw.count
                    break
                }
                guard size <= remaining else {
                    throw EdgeError(.invalidAudio, "WAV data chunk is truncated: header says \(size) bytes, \(remaining) present")
                }
                data = body..<(body + size)
            } else {
                guard size <= remaining else {
                    throw EdgeError(.invalidAudio, "WAV chunk '\(id)' at byte \(offset) claims \(size) bytes, only \(remaining) remain")
                }
                if id == "fmt " {
                    guard format == nil else { throw EdgeError(.invalidAudio, "WAV has two fmt chunks") }
                    format = try parseFormat(UnsafeRawBufferPointer(rebasing: raw[body..<(body + size)]))
                }
            }
            // RIFF pads odd-sized chunks to an even length; the pad may be missing at the end.
            offset = min(raw.count, body + size + (size & 1))
        }
        guard let format else { throw EdgeError(.invalidAudio, "WAV has no fmt chunk") }
        guard let data else { throw EdgeError(.invalidAudio, "WAV has no data chunk") }
        return (format, data)
    }

    /// Parses a `fmt ` payload (WAVEFORMAT, WAVEFORMATEX or WAVEFORMATEXTENSIBLE).
    static func parseFormat(_ p: UnsafeRawBufferPointer) throws(EdgeError) -> Format {
        guard p.count >= 16 else { throw EdgeError(.invalidAudio, "WAV fmt chunk is \(p.count) bytes; at least 16 are needed") }
        var tag = Int(u16(p, 0))
        let channels = Int(u16(p, 2))
        let rate = Int(u32(p, 4))
        let blockAlign = Int(u16(p, 12))
        let bits = Int(u16(p, 14))
        if tag == 0xFFFE {
            guard p.count >= 40, u16(p, 16) >= 22 else {
                throw EdgeError(.invalidAudio, "WAVE_FORMAT_EXTENSIBLE fmt chunk is \(p.count) bytes; 40 are needed")
            }
            // The sub-format GUID is {tag}-0000-0010-8000-00AA00389B71; only the tag varies.
            let suffix: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
            guard (0..<14).allSatisfy({ p[26 + $0] == suffix[$0] }) else {
                throw EdgeError(.invalidAudio, "WAVE_FORMAT_EXTENSIBLE sub-format is not a standard PCM/float GUID")
            }
            tag = Int(u16(p, 24))
        }
        let encoding: PCMEncoding
        switch tag {
        case 1: encoding = .int(bits: bits)
        case 3: encoding = .float(bits: bits)
        default: throw EdgeError(.invalidAudio, "WAV format tag 0x\(String(tag, radix: 16)) is not supported (PCM, IEEE float or extensible only)")
        }
        try encoding.validate()
        guard AudioClip.channelRange.contains(channels) else { throw EdgeError(.invalidAudio, "WAV has \(channels) channels; 1…8 are supported") }
        guard AudioClip.sampleRateRange.contains(rate) else {
            throw EdgeError(.invalidAudio, "WAV sample rate \(rate) Hz is outside 8000…192000 Hz")
        }
        guard blockAlign == channels * encoding.bytesPerSample else {
            throw EdgeError(.invalidAudio, "WAV block align \(blockAlign) contradicts \(channels) channel(s) of \(encoding)")
        }
        return Format(encoding: encoding, channels: channels, sampleRate: rate, blockAlign: blockAlign)
    }

    static func fourCC(_ p: UnsafeRawBufferPointer, _ o: Int) -> String {
        // Non-ASCII ids print as '?': the message must stay readable whatever the bytes are.
        String(decoding: (o..<(o + 4)).map { (0x20..<0x7F).contains(p[$0]) ? p[$0] : 0x3F }, as: UTF8.self)
    }

    static func u16(_ p: UnsafeRawBufferPointer, _ o: Int) -> UInt16 {
        UInt16(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt16.self))
    }

    static func u32(_ p: UnsafeRawBufferPointer, _ o: Int) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt32.self))
    }
}
