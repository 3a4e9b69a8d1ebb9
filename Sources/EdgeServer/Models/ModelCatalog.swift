import EdgeRuntime
import Foundation

/// One variant, loaded: its card entry, the memory-mapped model and a compiled session. A
/// class so a request that leased it keeps it alive across an atomic level swap or reload.
public final class LoadedVariant: Sendable {
    public let family: String
    public let card: ModelCard.Variant
    public let model: Model
    public let session: InferenceSession

    init(family: String, card: ModelCard.Variant, model: Model, session: InferenceSession) {
        self.family = family
        self.card = card
        self.model = model
        self.session = session
    }

    public var name: String { card.name }
}

/// A family: its card and its variants in card order (most accurate first).
public struct LoadedFamily: Sendable {
    public let directory: String
    public let card: ModelCard
    public let variants: [LoadedVariant]

    public var name: String { card.family }

    public func variant(named name: String) -> LoadedVariant? { variants.first { $0.name == name } }
}

/// Every family under the models directory. A sub-directory without `card.json` is not a family
/// and is listed in `skipped`; a family with a bad card or a missing/invalid `.edge` file fails
/// the whole load, so a half-shipped ladder never serves.
public struct ModelCatalog: Sendable {
    public let directory: String
    public let families: [String: LoadedFamily]
    public let skipped: [String]

    public static let empty = ModelCatalog(directory: "", families: [:], skipped: [])

    public init(directory: String, families: [String: LoadedFamily], skipped: [String]) {
        self.directory = directory
        self.families = families
        self.skipped = skipped
    }

    /// Family names, sorted.
    public var names: [String] { families.keys.sorted() }

    /// Loads every family. Variants are memory-mapped (`ModelFile.load`, checksums verified)
    /// and a session is compiled for each, so a broken graph is found now, not at first request.
    public static func load(directory: String, sessionOptions: SessionOptions = SessionOptions()) throws(CatalogError) -> ModelCatalog {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw CatalogError("models directory \(directory) does not exist or is not a directory")
        }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw CatalogError("cannot list models directory \(directory): \(error.localizedDescription)")
        }
        var families: [String: LoadedFamily] = [:]
        var skipped: [String] = []
        for entry in entries where !entry.hasPrefix(".") {
            let dir = (directory as NSString).appendingPathComponent(entry)
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else { continue }
            let cardPath = (dir as NSString).appendingPathComponent("card.json")
            guard FileManager.default.fileExists(atPath: cardPath) else {
                skipped.append(entry)
                continue
            }
            let family = try loadFamily(directory: dir, sessionOptions: sessionOptions)
            families[family.name] = family
        }
        return ModelCatalog(directory: directory, families: families, skipped: skipped)
    }

    /// Cards are small; anything larger is not a card.
    static let maxCardBytes = 1 << 20

    public static func loadFamily(directory dir: String, sessionOptions: SessionOptions = SessionOptions()) throws(CatalogError) -> LoadedFamily {
        let cardPath = (dir as NSString).appendingPathComponent("card.json")
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: cardPath))
        } catch {
            throw CatalogError("cannot read \(cardPath): \(error.localizedDescription)")
        }
        guard data.count <= maxCardBytes else { throw CatalogError("\(cardPath) is larger than \(maxCardBytes) bytes") }
        let card = try ModelCard.decode(data, directory: dir)
        var variants: [LoadedVariant] = []
        for v in card.variants {
            let path = (dir as NSString).appendingPathComponent(v.file)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CatalogError("\(cardPath): variant '\(v.name)' names \(v.file), which does not exist")
            }
            do {
                let model = try ModelFile.load(path: path)
                if !model.metadata.labels.isEmpty && model.metadata.labels != card.labels {
                    throw CatalogError("\(path): the model's labels \(model.metadata.labels) differ from the card's \(card.labels)")
                }
                let session = try InferenceSession(graph: model.graph, options: sessionOptions)
                variants.append(LoadedVariant(family: card.family, card: v, model: model, session: session))
            } catch let e as CatalogError {
                throw e
            } catch {
                throw CatalogError("\(path): variant '\(v.name)' cannot be loaded: \(error)")
            }
        }
        return LoadedFamily(directory: dir, card: card, variants: variants)
    }
}
