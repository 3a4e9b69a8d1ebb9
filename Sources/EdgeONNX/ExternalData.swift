import EdgeRuntime
import Foundation

/// The `external_data` entries of a tensor stored outside the ONNX file, and the rules for
/// reading them safely.
///
/// Rules (a model file is untrusted, so it must not make us read arbitrary files):
/// - `location` is a relative path inside the model's directory: absolute paths, `..`
///   components and symbolic links leading outside the directory are rejected;
/// - `offset` and `length` must be non-negative and inside the file;
/// - the bytes read must exactly fill the tensor's shape.
struct ExternalData {
    var location: String
    var offset: Int
    var length: Int?
    let label: String

    init(entries: [Onnx_StringStringEntryProto], label: String) throws(EdgeError) {
        self.label = label
        var location: String?
        var offset = 0
        var length: Int?
        for entry in entries {
            switch entry.key {
            case "location": location = entry.value
            case "offset": offset = try Self.number(entry.value, key: "offset", label: label)
            case "length": length = try Self.number(entry.value, key: "length", label: label)
            default: break // "checksum" and unknown keys carry no data we need.
            }
        }
        guard let location, !location.isEmpty else {
            throw EdgeError(.invalidModel, "\(label): external data has no 'location'")
        }
        self.location = location
        self.offset = offset
        self.length = length
    }

    private static func number(_ text: String, key: String, label: String) throws(EdgeError) -> Int {
        guard let v = Int(text), v >= 0 else {
            throw EdgeError(.invalidModel, "\(label): external data '\(key)' must be a non-negative integer, got '\(text)'")
        }
        return v
    }

    /// The file `location` names, checked to lie inside `baseDirectory`.
    func resolvedURL(baseDirectory: URL) throws(EdgeError) -> URL {
        func reject(_ why: String) -> EdgeError {
            EdgeError(.invalidModel, "\(label): external data location '\(location)' \(why); it must be a relative path inside the model's directory")
        }
        guard !location.hasPrefix("/"), !location.hasPrefix("\\"), !location.contains("\0") else { throw reject("is absolute") }
        let components = location.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        guard !components.contains(where: { $0 == ".." }) else { throw reject("leaves the directory") }
        let base = baseDirectory.standardizedFileURL.resolvingSymlinksInPath()
        let url = base.appendingPathComponent(location).standardizedFileURL.resolvingSymlinksInPath()
        let basePath = base.path.hasSuffix("/") ? base.path : base.path + "/"
        guard url.path.hasPrefix(basePath) else { throw reject("resolves outside the directory") }
        return url
    }

    /// Exactly `count` bytes of the file (validated before the caller allocates anything).
    func bytes(count byteCount: Int, baseDirectory: URL) throws(EdgeError) -> Data {
        let url = try resolvedURL(baseDirectory: baseDirectory)
        let data = try ONNXImporter.readFile(url, limit: Int.max, what: "external data file of \(label)")
        guard offset <= data.count else {
            throw EdgeError(.invalidModel, "\(label): external data offset \(offset) is past the end of '\(location)' (\(data.count) bytes)")
        }
        let available = data.count - offset
        // Without an explicit length the tensor's bytes start at `offset`.
        let length = self.length ?? byteCount
        guard length <= available else {
            throw EdgeError(.invalidModel, "\(label): external data range \(offset)+\(length) exceeds '\(location)' (\(data.count) bytes)")
        }
        guard length == byteCount else {
            throw EdgeError(.invalidModel, "\(label): external data has \(length) bytes, the tensor's shape needs \(byteCount)")
        }
        let start = data.startIndex + offset
        return data[start..<(start + length)] // a slice of the mapping, not a copy
    }
}
