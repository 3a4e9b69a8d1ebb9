import CEdgeKernels
import Foundation

extension ModelFile {
    /// Maps and validates a model file. Weights stay in the mapping (no copy).
    /// - Parameter verifyChecksum: check the data section's CRC (reads every page once).
    /// - Throws: `.invalidModel` naming the first problem found, `.io` if unreadable.
    public static func load(path: String, verifyChecksum: Bool = true) throws(EdgeError) -> Model {
        let file = try MappedFile(path: path)
        do {
            return try decode(UnsafeRawBufferPointer(start: file.bytes, count: file.count), owner: file, verifyChecksum: verifyChecksum)
        } catch {
            throw EdgeError(error.code, "\(path): \(error.message)")
        }
    }

    /// Decodes a model from bytes in memory (copied once into aligned storage).
    public static func decode(_ bytes: [UInt8], verifyChecksum: Bool = true) throws(EdgeError) -> Model {
        let storage = TensorStorage(byteCount: bytes.count)
        bytes.withUnsafeBytes { if let base = $0.baseAddress { storage.bytes.copyMemory(from: base, byteCount: $0.count) } }
        return try decode(UnsafeRawBufferPointer(start: storage.bytes, count: bytes.count), owner: storage, verifyChecksum: verifyChecksum)
    }

    /// Whether `bytes` start with the model-file magic.
    public static func hasMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= magic.count && zip(bytes.prefix(magic.count), magic).allSatisfy { $0 == $1 }
    }

    static func decode(_ buf: UnsafeRawBufferPointer, owner: AnyObject, verifyChecksum: Bool) throws(EdgeError) -> Model {
        guard buf.count >= headerSize else { throw .invalidModel("file is \(buf.count) bytes, shorter than the 64-byte header") }
        guard hasMagic(buf) else { throw .invalidModel("not an EdgeAssistant model (bad magic); ONNX files end in .onnx and are read by `import`") }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: buf.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        guard ek_crc32c(0, buf.baseAddress!, 56) == u32(56) else { throw .invalidModel("header checksum mismatch (file corrupted)") }
        let version = Int(u32(8))
        guard version == ModelFile.version else {
            throw .invalidModel("format version \(version) is not supported (this build reads version \(ModelFile.version))")
        }
        let limit = UInt64(buf.count)
        let (mOff, mLen, dOff, dLen) = (u64(16), u64(24), u64(32), u64(40))
        guard mOff == UInt64(headerSize), mLen <= UInt64(maxManifestBytes), mLen <= limit - mOff else {
            throw .invalidModel("manifest range \(mOff)+\(mLen) is outside the \(buf.count)-byte file")
        }
        guard dOff % 64 == 0, dOff >= mOff + mLen, dOff <= limit, dLen <= limit - dOff else {
            throw .invalidModel("data range \(dOff)+\(dLen) is invalid for a \(buf.count)-byte file")
        }
        let manifestBytes = UnsafeRawBufferPointer(rebasing: buf[Int(mOff)..<Int(mOff + mLen)])
        guard ek_crc32c(0, manifestBytes.baseAddress!, manifestBytes.count) == u32(48) else {
            throw .invalidModel("manifest checksum mismatch (file corrupted)")
        }
        let data = UnsafeRawBufferPointer(rebasing: buf[Int(dOff)..<Int(dOff + dLen)])
        if verifyChecksum, ek_crc32c(0, data.baseAddress!, data.count) != u32(52) {
            throw .invalidModel("tensor data checksum mismatch (file corrupted)")
        }
        let manifest: Manifest
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            manifest = try decoder.decode(Manifest.self, from: Data(manifestBytes))
        } catch {
            throw .invalidModel("manifest is not valid: \(error)")
        }
        guard manifest.format == formatName else { throw .invalidModel("manifest format '\(manifest.format)' is not '\(formatName)'") }
        let tensors = try manifest.tensors.map { (e) throws(EdgeError) in try tensor(e, data: data, owner: owner) }
        func tensorAt(_ i: Int, _ what: String) throws(EdgeError) -> Tensor {
            guard i >= 0, i < tensors.count else { throw .invalidModel("\(what) refers to tensor #\(i), but the table has \(tensors.count)") }
            return tensors[i]
        }
        var graph = Graph(name: manifest.graph.name, inputs: manifest.graph.inputs, outputs: manifest.graph.outputs)
        for (name, index) in manifest.graph.initializers {
            graph.initializers[name] = try tensorAt(index, "initializer '\(name)'")
        }
        graph.nodes = try manifest.graph.nodes.map { (n) throws(EdgeError) -> Node in
            var attrs: [String: Attribute] = [:]
            for (key, e) in n.attributes {
                attrs[key] = try attribute(e, key: key, node: n.name, tensorAt: tensorAt)
            }
            return Node(name: n.name, op: n.op, inputs: n.inputs, outputs: n.outputs, attributes: attrs)
        }
        _ = try graph.topologicallySorted()
        return Model(graph: graph, metadata: manifest.metadata)
    }

    private static func tensor(_ e: Manifest.TensorEntry, data: UnsafeRawBufferPointer, owner: AnyObject) throws(EdgeError) -> Tensor {
        guard let dtype = DType(name: e.dtype) else { throw .invalidModel("tensor '\(e.name)' has unknown dtype '\(e.dtype)'") }
        guard e.encoding == "raw" || (e.encoding == CSREncoding.name && dtype == .float32) else {
            throw EdgeError(.unsupported, "tensor '\(e.name)' uses encoding '\(e.encoding)' for \(dtype), which this build cannot read")
        }
        let count = try ShapeMath.elementCount(e.shape)
        guard e.encoding != "raw" || e.length == count * dtype.byteSize else {
            throw .invalidModel("tensor '\(e.name)' is \(e.length) bytes, shape \(e.shape) of \(dtype) needs \(count * dtype.byteSize)")
        }
        guard e.offset >= 0, e.length >= 0, e.offset % 64 == 0, e.offset <= data.count, e.length <= data.count - e.offset else {
            throw .invalidModel("tensor '\(e.name)' at \(e.offset)+\(e.length) lies outside the \(data.count)-byte data section or is misaligned")
        }
        if e.encoding == CSREncoding.name {
            let blob = UnsafeRawBufferPointer(start: data.baseAddress! + e.offset, count: e.length)
            return try CSREncoding.decode(name: e.name, shape: e.shape, nnz: e.nnz, blob: blob)
        }
        let storage = TensorStorage(borrowing: data.baseAddress! + e.offset, byteCount: e.length, owner: owner)
        return try Tensor(dtype: dtype, shape: e.shape, storage: storage)
    }

    private static func attribute(_ e: Manifest.AttributeEntry, key: String, node: String,
                                  tensorAt: (Int, String) throws(EdgeError) -> Tensor) throws(EdgeError) -> Attribute {
        let missing = EdgeError.invalidModel("attribute '\(key)' of node '\(node)' has type '\(e.type)' but no value")
        switch e.type {
        case "int": guard let v = e.i else { throw missing }; return .int(v)
        case "float": guard let v = e.f else { throw missing }; return .float(v)
        case "string": guard let v = e.s else { throw missing }; return .string(v)
        case "ints": guard let v = e.ints else { throw missing }; return .ints(v)
        case "floats": guard let v = e.floats else { throw missing }; return .floats(v)
        case "strings": guard let v = e.strings else { throw missing }; return .strings(v)
        case "tensor": guard let v = e.tensor else { throw missing }; return .tensor(try tensorAt(v, "attribute '\(key)' of node '\(node)'"))
        default: throw .invalidModel("attribute '\(key)' of node '\(node)' has unknown type '\(e.type)'")
        }
    }
}
