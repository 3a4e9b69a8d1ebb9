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

    /// Seeded random inputs for every runtime input, symbolic dimensions set to 1.
    static func randomInputs(for graph: Graph, seed: UInt64 = 42) throws -> [String: Tensor] {
        var state = seed
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        var feeds: [String: Tensor] = [:]
        for info in graph.runtimeInputs {
            guard let dims = info.shape else {
                throw EdgeError(.invalidInput, "input '\(info.name)' has unknown rank; pass it with --input")
            }
            let shape = dims.map { $0.value ?? 1 }
            let n = try ShapeMath.elementCount(shape)
            switch info.dtype {
            case .float32: feeds[info.name] = try Tensor((0..<n).map { _ in next() }, shape: shape)
            case .int64: feeds[info.name] = try Tensor((0..<n).map { _ in Int64(abs(next()) * 8) }, shape: shape)
            case .int32: feeds[info.name] = try Tensor((0..<n).map { _ in Int32(abs(next()) * 8) }, shape: shape)
            default: throw EdgeError(.invalidInput, "cannot invent \(info.dtype) input '\(info.name)'; pass it with --input")
            }
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
