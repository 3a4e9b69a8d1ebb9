import EdgeONNX
import EdgeRuntime
import Foundation

/// Loads what a MODEL argument names: our `.edge` file (memory-mapped) or an ONNX file
/// (imported in memory). The kind is decided by the file's first bytes, not its name.
enum ModelLoading {
    static func load(_ path: String) throws -> Model {
        let file = try MappedFile(path: path)
        if ModelFile.hasMagic(UnsafeRawBufferPointer(start: file.bytes, count: file.count)) {
            return try ModelFile.load(path: path)
        }
        let graph = try ONNXImporter.load(contentsOf: URL(fileURLWithPath: path))
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return Model(graph: graph, metadata: ModelMetadata(name: name, extra: ["source": URL(fileURLWithPath: path).lastPathComponent]))
    }

    /// Parses `NAME=FILE.npy` arguments.
    static func inputs(_ specs: [String]) throws -> [String: Tensor] {
        var feeds: [String: Tensor] = [:]
        for spec in specs {
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else {
                throw EdgeError(.invalidInput, "--input must be NAME=FILE.npy, got '\(spec)'")
            }
            let name = String(spec[..<eq])
            guard feeds[name] == nil else { throw EdgeError(.invalidInput, "input '\(name)' given twice") }
            feeds[name] = try Npy.read(path: String(spec[spec.index(after: eq)...]))
        }
        return feeds
    }

    /// File name for an output: every character outside [A-Za-z0-9._-] becomes '_'.
    static func fileName(forOutput name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let safe = String(name.map { allowed.contains($0) ? $0 : "_" })
        return (safe.isEmpty || safe == "." || safe == "..") ? "_\(safe)" : safe
    }
}
