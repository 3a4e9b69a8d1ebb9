import Foundation

/// One recognised command, as SSE clients, the event log, `POST /v1/speech/recognize` and
/// Wyoming clients see it: `{"label","confidence","start_ms","end_ms","variant"}`.
///
/// Times are milliseconds of audio since the stream started (the microphone was switched on,
/// or the start of the uploaded clip). `start_ms` is where the voice activity detector saw the
/// speech segment begin; `end_ms` is the end of the audio the model had heard when the command
/// was decided (the end of its 1 s window), so `end_ms − start_ms` bounds the spoken word.
public struct VoiceCommand: Sendable, Codable, Equatable {
    public var label: String
    /// Smoothed posterior probability of `label`, 0…1.
    public var confidence: Float
    public var startMs: Int
    public var endMs: Int
    /// The model variant that produced the decision (the governor picks it per call).
    public var variant: String

    enum CodingKeys: String, CodingKey {
        case label, confidence, variant
        case startMs = "start_ms"
        case endMs = "end_ms"
    }

    public init(label: String, confidence: Float, startMs: Int, endMs: Int, variant: String) {
        self.label = label
        self.confidence = confidence
        self.startMs = startMs
        self.endMs = endMs
        self.variant = variant
    }

    /// Compact JSON with keys in a fixed order (what SSE `data:` lines carry).
    public func jsonString() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and finite numbers cannot fail; fall back defensively.
        guard let data = try? encoder.encode(self), let s = String(data: data, encoding: .utf8) else { return "{}" }
        return s
    }
}
