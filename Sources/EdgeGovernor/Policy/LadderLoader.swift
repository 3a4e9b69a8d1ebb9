import EdgeRuntime
import Foundation

/// Reads ladders from model cards (`models/<family>/card.json`, the project's card contract) or
/// from a ladder file holding several cards:
///
///     { "note": "example figures", "ladders": [ <card>, <card>, … ] }
///
/// Only the fields the governor needs are read from a card: `family`, `task`, and per variant
/// `name`, `accuracy`, `cpu_ms` and `latency_ms_p50` (or `latency_ms`). Other fields are ignored.
public enum LadderLoader {
    struct Card: Decodable {
        var family: String
        var task: String?
        var variants: [CardVariant]
    }

    struct CardVariant: Decodable {
        var name: String
        var accuracy: Double
        var cpuMs: Double
        var latencyMs: Double

        enum CodingKeys: String, CodingKey {
            case name, accuracy, cpuMs = "cpu_ms", latencyMsP50 = "latency_ms_p50", latencyMs = "latency_ms"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            accuracy = try container.decode(Double.self, forKey: .accuracy)
            cpuMs = try container.decode(Double.self, forKey: .cpuMs)
            latencyMs = try container.decodeIfPresent(Double.self, forKey: .latencyMsP50)
                ?? container.decode(Double.self, forKey: .latencyMs)
        }
    }

    struct LadderFile: Decodable {
        var ladders: [Card]
    }

    /// The ladder of one card file.
    public static func card(at path: String) throws(EdgeError) -> ModelLadder {
        try ladder(from: decode(Card.self, path: path), source: path)
    }

    /// Every ladder of a ladder file (see the type's documentation).
    public static func ladderFile(at path: String) throws(EdgeError) -> [ModelLadder] {
        let file = try decode(LadderFile.self, path: path)
        guard !file.ladders.isEmpty else { throw EdgeError(.invalidLadder, "\(path): \"ladders\" is empty") }
        var result: [ModelLadder] = []
        for card in file.ladders {
            guard !result.contains(where: { $0.model == card.family }) else {
                throw EdgeError(.invalidLadder, "\(path): family \(card.family) appears twice")
            }
            result.append(try ladder(from: card, source: path))
        }
        return result
    }

    /// The ladders of every `<dir>/<family>/card.json`, sorted by family; directories without a
    /// card are skipped.
    public static func modelsDirectory(_ dir: String) throws(EdgeError) -> [ModelLadder] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            throw EdgeError(.io, "cannot list models directory \(dir)")
        }
        var result: [ModelLadder] = []
        for entry in entries.sorted() {
            let path = "\(dir)/\(entry)/card.json"
            if FileManager.default.fileExists(atPath: path) { result.append(try card(at: path)) }
        }
        return result
    }

    private static func ladder(from card: Card, source: String) throws(EdgeError) -> ModelLadder {
        var task: ModelTask?
        if let raw = card.task {
            guard let known = ModelTask(rawValue: raw) else {
                throw EdgeError(.invalidLadder, "\(source): family \(card.family) has unknown task \"\(raw)\" (expected speech, detection or recommendation)")
            }
            task = known
        }
        let variants = card.variants.map { Variant(name: $0.name, accuracy: $0.accuracy, cpuMs: $0.cpuMs, latencyMs: $0.latencyMs) }
        do {
            return try ModelLadder(model: card.family, task: task, variants: variants)
        } catch {
            throw EdgeError(.invalidLadder, "\(source): \(error.message)")
        }
    }

    /// Cards are small; anything beyond this is not a card.
    static let maxFileBytes = 4 << 20

    private static func decode<T: Decodable>(_ type: T.Type, path: String) throws(EdgeError) -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EdgeError(.io, "cannot read \(path)")
        }
        guard data.count <= maxFileBytes else { throw EdgeError(.invalidLadder, "\(path) is larger than \(maxFileBytes) bytes") }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw EdgeError(.invalidLadder, "\(path): \(describe(error))")
        } catch {
            throw EdgeError(.invalidLadder, "\(path): \(error)")
        }
    }

    /// A one-line description of a decoding error with the JSON path it happened at.
    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "top level" : path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \"\(key.stringValue)\" at \(at(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(at(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context): return "invalid JSON at \(at(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
