import EdgeRuntime
import Foundation

/// One line of `manifest.jsonl`.
public struct ManifestEntry: Sendable, Codable, Equatable {
    /// WAV path relative to the data-set directory.
    public var path: String
    public var label: String
    public var labelIndex: Int
    public var split: SpeechSplit
    /// Row of this clip in its split's `features.npy` / `labels.npy`.
    public var row: Int
    public var word: String?
    public var voice: String?
    /// `espeak-ng`, `flite`, or `noise` for `_silence_`.
    public var engine: String
    public var prosody: SynthesisParams?
    public var augmentation: AugmentationParams

    enum CodingKeys: String, CodingKey {
        case path, label, labelIndex = "label_index", split, row, word, voice, engine, prosody, augmentation
    }
}

/// Reads and writes the manifest (JSON lines, keys sorted, so equal data gives equal bytes).
public enum Manifest {
    public static let fileName = "manifest.jsonl"

    public static func encode(_ entries: [ManifestEntry]) -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = [UInt8]()
        for e in entries {
            // Encoding plain Codable values of known types cannot fail.
            out += try! enc.encode(e)
            out.append(0x0A)
        }
        return out
    }

    /// Parses `manifest.jsonl`; a bad line is an error naming its line number.
    public static func decode(_ bytes: [UInt8]) throws(EdgeError) -> [ManifestEntry] {
        let dec = JSONDecoder()
        var out = [ManifestEntry]()
        for (n, line) in bytes.split(separator: 0x0A).enumerated() {
            do { out.append(try dec.decode(ManifestEntry.self, from: Data(line))) } catch {
                throw EdgeError(.invalidInput, "\(fileName) line \(n + 1): \(error)")
            }
        }
        return out
    }
}
