import CEdgeKernels
import Foundation

/// EdgeAssistant's model file (`.edge`): a fixed header, a JSON manifest, and 64-byte
/// aligned tensor data that is memory-mapped and used in place. See docs/MODEL_FORMAT.md.
///
/// ```
///  0        64                64+manifest (padded to 64)                      end
///  | header | manifest (JSON) | data: tensor0 | pad | tensor1 | pad | …       |
/// ```
/// Header (little-endian, 64 bytes):
/// ```
///  0  magic "EDGEMODL"          8 bytes
///  8  format version (1)        u32
/// 12  flags (0)                 u32
/// 16  manifest offset           u64   (= 64)
/// 24  manifest length           u64
/// 32  data offset               u64   (multiple of 64)
/// 40  data length               u64
/// 48  CRC-32C of manifest       u32
/// 52  CRC-32C of data           u32
/// 56  CRC-32C of bytes 0..<56   u32
/// 60  reserved (0)              u32
/// ```
public enum ModelFile {
    static let magic: [UInt8] = Array("EDGEMODL".utf8)
    static let formatName = "edge-assistant-model"
    public static let version = 1
    static let headerSize = 64
    /// Manifests larger than this are rejected before parsing (hostile files).
    static let maxManifestBytes = 64 << 20

    // MARK: Writing

    /// Serialises `model` into file bytes. With `sparseTensors`, float32 initializers that are
    /// mostly zeros (pruned weights) are stored in the `csr` encoding when that saves at least a
    /// quarter of their bytes; they are decoded to dense tensors at load.
    public static func encode(_ model: Model, sparseTensors: Bool = false) throws(EdgeError) -> [UInt8] {
        var tensors: [Manifest.TensorEntry] = []
        var blobs: [Tensor] = []
        var dataLength = 0
        func addTensor(_ name: String, _ t: Tensor, sparse: Bool = false) -> Int {
            let offset = (dataLength + 63) & ~63
            if sparse, let (nnz, blob) = CSREncoding.encode(t) {
                tensors.append(.init(name: name, dtype: t.dtype.description, shape: t.shape, encoding: CSREncoding.name,
                                     offset: offset, length: blob.byteCount, nnz: nnz))
                blobs.append(blob)
            } else {
                tensors.append(.init(name: name, dtype: t.dtype.description, shape: t.shape, encoding: "raw", offset: offset, length: t.byteCount))
                blobs.append(t)
            }
            dataLength = offset + blobs[blobs.count - 1].byteCount
            return tensors.count - 1
        }
        let g = model.graph
        var initializers: [String: Int] = [:]
        for name in g.initializers.keys.sorted() { initializers[name] = addTensor(name, g.initializers[name]!, sparse: sparseTensors) }
        let nodes = g.nodes.map { node in
            var attrs: [String: Manifest.AttributeEntry] = [:]
            for (key, value) in node.attributes.values {
                var e = Manifest.AttributeEntry(type: "")
                switch value {
                case .int(let v): e.type = "int"; e.i = v
                case .float(let v): e.type = "float"; e.f = v
                case .string(let v): e.type = "string"; e.s = v
                case .ints(let v): e.type = "ints"; e.ints = v
                case .floats(let v): e.type = "floats"; e.floats = v
                case .strings(let v): e.type = "strings"; e.strings = v
                case .tensor(let t): e.type = "tensor"; e.tensor = addTensor("\(node.name).\(key)", t)
                }
                attrs[key] = e
            }
            return Manifest.NodeEntry(name: node.name, op: node.op, inputs: node.inputs, outputs: node.outputs, attributes: attrs)
        }
        let manifest = Manifest(metadata: model.metadata,
                                graph: .init(name: g.name, inputs: g.inputs, outputs: g.outputs, nodes: nodes, initializers: initializers),
                                tensors: tensors)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let json: [UInt8]
        do { json = Array(try encoder.encode(manifest)) } catch {
            throw EdgeError(.invalidModel, "cannot encode manifest: \(error)")
        }
        let dataOffset = (headerSize + json.count + 63) & ~63
        var bytes = [UInt8](repeating: 0, count: dataOffset + dataLength)
        bytes.replaceSubrange(headerSize..<headerSize + json.count, with: json)
        bytes.withUnsafeMutableBytes { buf in
            for (entry, t) in zip(tensors, blobs) where t.byteCount > 0 {
                (buf.baseAddress! + dataOffset + entry.offset).copyMemory(from: t.rawPointer, byteCount: t.byteCount)
            }
        }
        let manifestCRC = crc(bytes, headerSize, json.count)
        let dataCRC = crc(bytes, dataOffset, dataLength)
        var header = magic
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) } }
        put(UInt32(version)); put(UInt32(0))
        put(UInt64(headerSize)); put(UInt64(json.count))
        put(UInt64(dataOffset)); put(UInt64(dataLength))
        put(manifestCRC); put(dataCRC)
        put(crc(header, 0, 56)); put(UInt32(0))
        bytes.replaceSubrange(0..<headerSize, with: header)
        return bytes
    }

    /// Writes `model` to `path` atomically (temporary file + rename), so a crash mid-write
    /// never leaves a truncated model behind.
    public static func write(_ model: Model, to path: String, sparseTensors: Bool = false) throws(EdgeError) {
        let bytes = try encode(model, sparseTensors: sparseTensors)
        let url = URL(fileURLWithPath: path)
        do { try Data(bytes).write(to: url, options: .atomic) } catch {
            throw EdgeError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    static func crc(_ bytes: [UInt8], _ offset: Int, _ length: Int) -> UInt32 {
        bytes.withUnsafeBytes { ek_crc32c(0, $0.baseAddress! + offset, length) }
    }
}
