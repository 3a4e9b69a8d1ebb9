import EdgeRuntime
import EdgeServer
import Foundation
import XCTest

/// Temporary directories with tiny model families (one-node graphs written with ModelFile).
final class TempDir {
    let url: URL
    init() throws {
        // Short path: Unix socket paths are limited to 107 bytes.
        url = URL(fileURLWithPath: "/tmp/es-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

enum Fixtures {
    static let labels = ["a", "b"]

    /// y = x * scale: a graph small enough to compile in microseconds.
    static func writeModel(to path: String, scale: Float, labels: [String] = labels) throws {
        var g = Graph(name: "tiny")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.symbolic("n"), .fixed(2)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["s"] = try Tensor([scale, scale] as [Float], shape: [2])
        g.nodes = [Node(name: "mul", op: "Mul", inputs: ["x", "s"], outputs: ["y"])]
        try ModelFile.write(Model(graph: g, metadata: ModelMetadata(name: "tiny", task: "speech", labels: labels)), to: path)
    }

    /// Writes `models/<family>/` with `variants` (names), each a `.edge` file, and a card.
    @discardableResult
    static func writeFamily(in models: String, _ family: String, variants: [String] = ["teacher", "int8"],
                            cardOverride: [String: Any]? = nil, writeFiles: Bool = true) throws -> String {
        let dir = (models as NSString).appendingPathComponent(family)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var entries: [[String: Any]] = []
        for (i, v) in variants.enumerated() {
            if writeFiles { try writeModel(to: "\(dir)/\(v).edge", scale: Float(i + 1)) }
            entries.append(["name": v, "file": "\(v).edge", "technique": i == 0 ? "float" : "int8",
                            "accuracy": 0.9 - Double(i) * 0.01, "bytes": 1000 / (i + 1), "macs": 4,
                            "latency_ms_p50": 0.1, "latency_ms_p99": 0.2, "cpu_ms": 0.1])
        }
        var card: [String: Any] = ["family": family, "task": "speech", "metric": "accuracy", "labels": labels, "variants": entries]
        for (k, v) in cardOverride ?? [:] { card[k] = v }
        try JSONSerialization.data(withJSONObject: card).write(to: URL(fileURLWithPath: "\(dir)/card.json"))
        return dir
    }

    static func catalog(_ families: [String] = ["speech"]) throws -> (TempDir, ModelCatalog) {
        let tmp = try TempDir()
        let models = tmp.path("models")
        for f in families { try writeFamily(in: models, f) }
        return (tmp, try ModelCatalog.load(directory: models))
    }
}

/// Collects events for assertions.
final class RecordingSink: EventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [ServerEvent] = []
    func record(_ event: ServerEvent) { lock.lock(); stored.append(event); lock.unlock() }
    var events: [ServerEvent] { lock.lock(); defer { lock.unlock() }; return stored }
}
