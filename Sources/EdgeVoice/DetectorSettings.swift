import EdgeRuntime
import Foundation

/// `CommandDetector.Options` (plus the recognizer's `hop_frames`) as JSON / config keys:
/// `{"hop_frames", "smoothing_hops", "default_threshold", "thresholds": {label: value},
/// "refractory_ms", "once_per_segment"}`. Every key is optional (missing → the built-in default);
/// values are range-checked because they come from files.
public struct DetectorSettings: Sendable, Codable, Equatable {
    public var hopFrames: Int?
    public var smoothingHops: Int?
    public var defaultThreshold: Float?
    public var thresholds: [String: Float]?
    public var refractoryMs: Int?
    public var oncePerSegment: Bool?

    enum CodingKeys: String, CodingKey {
        case thresholds
        case hopFrames = "hop_frames"
        case smoothingHops = "smoothing_hops"
        case defaultThreshold = "default_threshold"
        case refractoryMs = "refractory_ms"
        case oncePerSegment = "once_per_segment"
    }

    public init() {}

    /// The settings that reproduce `options` exactly.
    public init(_ options: StreamingRecognizer.Options) {
        let d = options.detector
        hopFrames = options.hopFrames
        smoothingHops = d.smoothingHops
        defaultThreshold = d.defaultThreshold
        thresholds = d.thresholds
        refractoryMs = d.refractoryMs
        oncePerSegment = d.oncePerSegment
    }

    /// Decodes and validates JSON (untrusted).
    /// - Throws: `EdgeError(.invalidInput)` naming the bad key.
    public static func decode(_ data: Data) throws(EdgeError) -> DetectorSettings {
        let s: DetectorSettings
        do { s = try JSONDecoder().decode(DetectorSettings.self, from: data) } catch {
            throw EdgeError(.invalidInput, "detector settings are not valid JSON of the expected shape: \(error)")
        }
        try s.validate()
        return s
    }

    /// Checks every present value's range.
    public func validate() throws(EdgeError) {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws(EdgeError) {
            if !ok { throw EdgeError(.invalidInput, message()) }
        }
        if let v = hopFrames { try check((1...10).contains(v), "hop_frames must be 1…10, got \(v)") }
        if let v = smoothingHops { try check((1...50).contains(v), "smoothing_hops must be 1…50, got \(v)") }
        if let v = defaultThreshold { try check(v.isFinite && (0...1).contains(v), "default_threshold must be 0…1, got \(v)") }
        for (label, v) in thresholds ?? [:] {
            try check(v.isFinite && (0...1).contains(v), "thresholds.\(label) must be 0…1, got \(v)")
        }
        if let v = refractoryMs { try check((0...60_000).contains(v), "refractory_ms must be 0…60000, got \(v)") }
    }

    /// `base` with the present keys applied (per-label thresholds are merged over the base's).
    public func applied(to base: StreamingRecognizer.Options) -> StreamingRecognizer.Options {
        var o = base
        if let v = hopFrames { o.hopFrames = v }
        if let v = smoothingHops { o.detector.smoothingHops = v }
        if let v = defaultThreshold { o.detector.defaultThreshold = v }
        if let t = thresholds { o.detector.thresholds.merge(t) { $1 } }
        if let v = refractoryMs { o.detector.refractoryMs = v }
        if let v = oncePerSegment { o.detector.oncePerSegment = v }
        return o
    }

    /// Sorted, pretty JSON.
    public func encoded() -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        return (try? e.encode(self)) ?? Data()
    }
}
