import Foundation

/// `models/<family>/card.json`: the family's task, metric, labels and its ladder of variants,
/// most accurate first, with the figures measured when the variant was built.
public struct ModelCard: Codable, Sendable, Equatable {
    public var family: String
    public var task: String
    public var metric: String
    public var labels: [String]
    public var variants: [Variant]

    public struct Variant: Codable, Sendable, Equatable {
        public var name: String
        /// File name of the `.edge` model inside the family directory (no path components).
        public var file: String
        public var technique: String
        /// The family metric's value for this variant (accuracy, mAP@0.5 or AUC).
        public var accuracy: Double?
        public var bytes: Int?
        public var macs: Int?
        public var latencyMsP50: Double?
        public var latencyMsP99: Double?
        public var cpuMs: Double?

        enum CodingKeys: String, CodingKey {
            case name, file, technique, accuracy, bytes, macs
            case latencyMsP50 = "latency_ms_p50", latencyMsP99 = "latency_ms_p99", cpuMs = "cpu_ms"
        }
    }

    public static let tasks: Set<String> = ["speech", "detection", "recommendation"]
    public static let metrics: Set<String> = ["accuracy", "mAP@0.5", "AUC"]

    /// Names are used in URLs and metric labels: 1–64 of `[A-Za-z0-9_.-]`.
    static func isValidName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s != "." && s != ".." &&
            s.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_.-".unicodeScalars.contains($0)) }
    }

    /// Decodes and checks a card; `directory` is the family folder (for messages and the name check).
    public static func decode(_ data: Data, directory: String) throws(CatalogError) -> ModelCard {
        let card: ModelCard
        do {
            card = try JSONDecoder().decode(ModelCard.self, from: data)
        } catch let e as DecodingError {
            throw CatalogError("\(directory)/card.json: \(JSONCoding.describe(e))")
        } catch {
            throw CatalogError("\(directory)/card.json: \(error)")
        }
        try card.validate(directory: directory)
        return card
    }

    func validate(directory: String) throws(CatalogError) {
        let at = "\(directory)/card.json"
        guard Self.isValidName(family) else { throw CatalogError("\(at): family '\(family)' must be 1–64 characters of [A-Za-z0-9_.-]") }
        let folder = (directory as NSString).lastPathComponent
        guard folder == family else { throw CatalogError("\(at): family '\(family)' does not match its directory name '\(folder)'") }
        guard Self.tasks.contains(task) else { throw CatalogError("\(at): task must be one of \(Self.tasks.sorted()), got '\(task)'") }
        guard Self.metrics.contains(metric) else { throw CatalogError("\(at): metric must be one of \(Self.metrics.sorted()), got '\(metric)'") }
        guard !variants.isEmpty else { throw CatalogError("\(at): no variants") }
        var seen: Set<String> = []
        for v in variants {
            guard Self.isValidName(v.name), v.name != "auto" else {
                throw CatalogError("\(at): variant name '\(v.name)' must be 1–64 characters of [A-Za-z0-9_.-] and not 'auto'")
            }
            guard seen.insert(v.name).inserted else { throw CatalogError("\(at): variant '\(v.name)' listed twice") }
            guard Self.isValidName(v.file), !v.file.contains("/") else {
                throw CatalogError("\(at): variant '\(v.name)' file '\(v.file)' must be a plain file name inside the family directory")
            }
            for (key, value) in [("accuracy", v.accuracy), ("latency_ms_p50", v.latencyMsP50), ("latency_ms_p99", v.latencyMsP99), ("cpu_ms", v.cpuMs)] {
                if let value, !(value.isFinite && value >= 0) {
                    throw CatalogError("\(at): variant '\(v.name)' \(key) must be a finite number ≥ 0")
                }
            }
            if let b = v.bytes, b < 0 { throw CatalogError("\(at): variant '\(v.name)' bytes must be ≥ 0") }
            if let m = v.macs, m < 0 { throw CatalogError("\(at): variant '\(v.name)' macs must be ≥ 0") }
        }
    }
}

/// A model family or variant that cannot be loaded; the message names the file and the problem.
public struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
