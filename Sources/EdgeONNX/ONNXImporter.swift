import EdgeRuntime
import Foundation
import SwiftProtobuf

/// Reads ONNX models (default domain, opsets 6–21) into a `Graph` with latest-opset semantics.
///
/// ONNX files are untrusted input: every malformed file gives an `EdgeError` whose message
/// names what is wrong (never a crash). The file is limited to 2 GiB (the protobuf limit),
/// protobuf nesting to `maxMessageDepth`, tensor sizes to `ShapeMath.maxElements`, and
/// external data to files inside the model's directory.
///
/// ```swift
/// let graph = try ONNXImporter.load(contentsOf: URL(fileURLWithPath: "model.onnx"))
/// let session = try InferenceSession(graph: graph)
/// ```
///
/// Older opsets are rewritten into opset-21 form by `OpsetTranslator` (see docs/ONNX.md).
public enum ONNXImporter {
    /// Largest ONNX file accepted (2 GiB, the protobuf message limit).
    public static let maxFileBytes = 1 << 31
    /// Protobuf message nesting accepted; ONNX needs about 6 levels, hostile files nest deeper.
    public static let maxMessageDepth = 32
    /// Versions of the default ("" / "ai.onnx") operator set that can be imported.
    public static let supportedOpsets = 6...21

    /// Reads and imports an ONNX file. External tensor data is looked up next to the file.
    ///
    /// - Parameter checkOperators: when true (the default) a model using operators the engine
    ///   does not implement is rejected with one `.unsupportedOperator` error naming them all.
    /// - Throws: `EdgeError` (`.io` if the file cannot be read, `.invalidModel` if it is not a
    ///   valid ONNX model, `.unsupportedOperator`, `.unsupported` for unsupported features).
    public static func load(contentsOf url: URL, checkOperators: Bool = true) throws(EdgeError) -> Graph {
        let data = try readFile(url, limit: maxFileBytes, what: "ONNX file")
        return try decode(data, baseDirectory: url.deletingLastPathComponent(), checkOperators: checkOperators)
    }

    /// Imports ONNX model bytes.
    ///
    /// - Parameter baseDirectory: directory that external tensor data paths are relative to;
    ///   `nil` rejects models with external data.
    public static func decode(_ data: Data, baseDirectory: URL?, checkOperators: Bool = true) throws(EdgeError) -> Graph {
        let model: Onnx_ModelProto = try parse(data, what: "ONNX model")
        guard model.hasGraph else { throw EdgeError(.invalidModel, "ONNX model has no graph") }
        let opset = try defaultOpset(of: model)
        let tensors = TensorReader(baseDirectory: baseDirectory)
        var reader = GraphReader(opset: opset, tensors: tensors)
        let graph = try reader.read(model.graph)
        do {
            _ = try graph.topologicallySorted()
        } catch {
            throw EdgeError(.invalidModel, "ONNX graph is malformed: \(error.message)")
        }
        if checkOperators { try OpRegistry.checkSupported(graph) }
        return graph
    }

    /// Decodes one serialized `TensorProto` (e.g. ONNX test data `input_0.pb`).
    /// Returns the tensor and its name ("" when unnamed).
    public static func decodeTensor(_ data: Data, baseDirectory: URL? = nil) throws(EdgeError) -> (name: String, tensor: Tensor) {
        guard data.count <= maxFileBytes else {
            throw EdgeError(.invalidModel, "tensor file of \(data.count) bytes exceeds the 2 GiB limit")
        }
        let proto: Onnx_TensorProto = try parse(data, what: "ONNX tensor")
        return (proto.name, try TensorReader(baseDirectory: baseDirectory).tensor(proto))
    }

    /// The version of the default-domain operator set the model imports.
    static func defaultOpset(of model: Onnx_ModelProto) throws(EdgeError) -> Int {
        let imports = model.opsetImport.filter { isDefaultDomain($0.domain) }
        guard let entry = imports.first else {
            throw EdgeError(.invalidModel, "ONNX model imports no default-domain (ai.onnx) operator set")
        }
        guard imports.count == 1 else {
            throw EdgeError(.invalidModel, "ONNX model imports the default operator set \(imports.count) times")
        }
        guard entry.version >= Int64(supportedOpsets.lowerBound), entry.version <= Int64(supportedOpsets.upperBound) else {
            throw EdgeError(.unsupported, "ONNX opset \(entry.version) is not supported (supported: \(supportedOpsets.lowerBound)–\(supportedOpsets.upperBound)); convert the model with onnx.version_converter")
        }
        return Int(entry.version)
    }

    static func isDefaultDomain(_ domain: String) -> Bool { domain.isEmpty || domain == "ai.onnx" }

    /// Parses protobuf bytes with the depth limit; any failure becomes `.invalidModel`.
    static func parse<M: SwiftProtobuf.Message>(_ data: Data, what: String) throws(EdgeError) -> M {
        guard data.count <= maxFileBytes else {
            throw EdgeError(.invalidModel, "\(what) of \(data.count) bytes exceeds the 2 GiB limit")
        }
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = maxMessageDepth
        do {
            return try M(serializedBytes: data, options: options)
        } catch {
            throw EdgeError(.invalidModel, "\(what) is not valid protobuf (\(error)); is this an ONNX file?")
        }
    }

    /// Reads a whole file (memory-mapped when possible) after checking its size.
    static func readFile(_ url: URL, limit: Int, what: String) throws(EdgeError) -> Data {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw EdgeError(.io, "cannot read \(what) '\(url.path)': \(error.localizedDescription)")
        }
        guard size <= limit else {
            throw EdgeError(.invalidModel, "\(what) '\(url.path)' is \(size) bytes; the limit is \(limit)")
        }
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw EdgeError(.io, "cannot read \(what) '\(url.path)': \(error.localizedDescription)")
        }
    }
}
