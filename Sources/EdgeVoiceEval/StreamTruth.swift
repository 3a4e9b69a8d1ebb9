import EdgeRuntime
import Foundation

/// One command word embedded in a test stream: what was said and where (ms of audio from the
/// stream's start). `start_ms`/`end_ms` bound the dry word (the TTS output trimmed at 2% of its
/// peak, 10 ms margin kept); a reverberation tail may ring on after `end_ms`.
public struct EmbeddedCommand: Sendable, Codable, Equatable {
    public var label: String
    public var startMs: Int
    public var endMs: Int
    /// The TTS voice id (`espeak-ng:en-us+m4`); informational.
    public var voice: String?

    enum CodingKeys: String, CodingKey {
        case label, voice
        case startMs = "start_ms"
        case endMs = "end_ms"
    }

    public init(label: String, startMs: Int, endMs: Int, voice: String? = nil) {
        self.label = label
        self.startMs = startMs
        self.endMs = endMs
        self.voice = voice
    }
}

/// The ground truth of a generated stream (`truth.json` next to `stream.wav`).
public struct StreamTruth: Sendable, Codable, Equatable {
    public var seed: UInt64
    /// Length of the stream in ms.
    public var durationMs: Int
    public var sampleRate: Int
    /// Non-command words spoken (count), for the report.
    public var fillerWords: Int
    /// Voice ids the words were drawn from.
    public var voices: [String]
    /// Embedded commands, in time order.
    public var commands: [EmbeddedCommand]

    enum CodingKeys: String, CodingKey {
        case seed, voices, commands
        case durationMs = "duration_ms"
        case sampleRate = "sample_rate"
        case fillerWords = "filler_words"
    }

    public init(seed: UInt64, durationMs: Int, sampleRate: Int = 16_000, fillerWords: Int, voices: [String], commands: [EmbeddedCommand]) {
        self.seed = seed
        self.durationMs = durationMs
        self.sampleRate = sampleRate
        self.fillerWords = fillerWords
        self.voices = voices
        self.commands = commands
    }

    /// Decodes and checks a truth file (untrusted): every command has a non-empty label and
    /// `0 ≤ start_ms < end_ms ≤ duration_ms`, in time order without overlap.
    /// - Throws: `EdgeError(.invalidInput)` naming the first bad entry.
    public static func decode(_ data: Data) throws(EdgeError) -> StreamTruth {
        let t: StreamTruth
        do { t = try JSONDecoder().decode(StreamTruth.self, from: data) } catch {
            throw EdgeError(.invalidInput, "ground truth is not valid JSON of the expected shape: \(error)")
        }
        guard t.durationMs > 0 else { throw EdgeError(.invalidInput, "ground truth: duration_ms must be positive, got \(t.durationMs)") }
        var previousEnd = 0
        for (i, c) in t.commands.enumerated() {
            guard !c.label.isEmpty, c.startMs >= previousEnd, c.startMs < c.endMs, c.endMs <= t.durationMs else {
                throw EdgeError(.invalidInput, "ground truth: command \(i) (\(c.label) \(c.startMs)–\(c.endMs) ms) is empty, out of order, overlapping or outside 0–\(t.durationMs) ms")
            }
            previousEnd = c.endMs
        }
        return t
    }

    /// Pretty JSON with sorted keys (stable bytes for a seed).
    public func encoded() -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // A struct of strings and integers always encodes.
        return (try? e.encode(self)) ?? Data()
    }
}
