import EdgeRuntime
import Foundation

/// A TTS engine the generator drives through its command-line tool.
public enum TTSEngine: String, Sendable, Codable, CaseIterable {
    case espeak = "espeak-ng"
    case flite
}

/// One synthetic speaker: an engine voice, plus an espeak-ng variant (timbre: formants,
/// breathiness, pitch range). Identity for the splits is `id`.
public struct Voice: Sendable, Hashable, Codable {
    public var engine: TTSEngine
    /// espeak-ng language voice (`en-us`, `en-gb-scotland`, …) or flite voice (`slt`, `kal16`, …).
    public var name: String
    /// espeak-ng variant (`m3`, `Alex`, …); nil for flite.
    public var variant: String?

    public init(engine: TTSEngine, name: String, variant: String? = nil) {
        self.engine = engine
        self.name = name
        self.variant = variant
    }

    /// `espeak-ng:en-us+m3`, `flite:slt`.
    public var id: String { "\(engine.rawValue):\(name)" + (variant.map { "+\($0)" } ?? "") }

    /// Parses an `id` (as `dataset.json` lists them); nil for an unknown engine or an empty name.
    public init?(id: String) {
        guard let colon = id.firstIndex(of: ":"), let engine = TTSEngine(rawValue: String(id[..<colon])) else { return nil }
        let rest = id[id.index(after: colon)...]
        let parts = rest.split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false)
        // Names are handed to the TTS tools as arguments: no leading '-' (an option), no spaces.
        func plain(_ s: Substring) -> Bool {
            s.first.map { $0.isLetter || $0.isNumber } == true && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        }
        guard let name = parts.first, plain(name) else { return nil }
        let variant = parts.count > 1 ? String(parts[1]) : nil
        if let v = variant, !plain(Substring(v)) { return nil }
        self.init(engine: engine, name: String(name), variant: variant)
    }
}

/// The voices installed on this machine, read from the tools themselves.
public enum VoiceCatalog {
    /// espeak-ng English voices that need no extra data (mbrola voices are skipped: their
    /// databases are separate packages; so are variants, which `--voices=en` also lists),
    /// from `espeak-ng --voices=en`.
    public static func espeakLanguages() throws(EdgeError) -> [String] {
        parseEspeakVoices(try ToolRunner.output(of: "espeak-ng", ["--voices=en"]))
    }

    /// espeak-ng variant names, from `espeak-ng --voices=variant`.
    public static func espeakVariants() throws(EdgeError) -> [String] {
        parseEspeakVariants(try ToolRunner.output(of: "espeak-ng", ["--voices=variant"]))
    }

    /// flite voices from `flite -lv`, less `awb_time` (a limited-domain voice that only speaks
    /// clock times).
    public static func fliteVoices() throws(EdgeError) -> [String] {
        parseFliteVoices(try ToolRunner.output(of: "flite", ["-lv"]))
    }

    static func parseEspeakVoices(_ text: String) -> [String] {
        var seen = Set<String>(), out = [String]()
        for line in text.split(separator: "\n").dropFirst() {
            let cols = line.split(separator: " ", omittingEmptySubsequences: true)
            // Skip mbrola voices and variants that list English among their languages.
            guard cols.count >= 5, cols[1].hasPrefix("en"), !cols[4].hasPrefix("mb/"), !cols[4].hasPrefix("!v/") else { continue }
            let lang = String(cols[1])
            if seen.insert(lang).inserted { out.append(lang) }
        }
        return out
    }

    static func parseEspeakVariants(_ text: String) -> [String] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let cols = line.split(separator: " ", omittingEmptySubsequences: true)
            guard cols.count >= 5, cols[4].hasPrefix("!v/") else { return nil }
            return String(cols[4].dropFirst(3))
        }
    }

    static func parseFliteVoices(_ text: String) -> [String] {
        guard let r = text.range(of: "Voices available:") else { return [] }
        return text[r.upperBound...].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init).filter { $0 != "awb_time" }
    }
}
