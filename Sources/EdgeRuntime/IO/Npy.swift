import Foundation

/// NumPy `.npy` files (format versions 1.0–3.0), the CLI's tensor interchange format.
/// Reading treats the file as untrusted: every header field is validated and a clear error
/// names what is wrong.
public enum Npy {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// Largest header we accept; numpy itself writes < 1 KiB.
    static let maxHeaderBytes = 1 << 16

    private static let descrs: [String: DType] = [
        "f4": .float32, "f8": .float64, "f2": .float16, "i1": .int8, "u1": .uint8, "i2": .int16, "u2": .uint16,
        "i4": .int32, "u4": .uint32, "i8": .int64, "u8": .uint64, "b1": .bool,
    ]

    /// Parses `.npy` bytes into a tensor (little-endian or byte-order-free dtypes, C order).
    public static func decode(_ bytes: [UInt8]) throws(EdgeError) -> Tensor {
        func bad(_ why: String) -> EdgeError { EdgeError(.invalidInput, "not a valid .npy file: \(why)") }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw bad("missing \\x93NUMPY magic") }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw bad("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw bad("format version \(major) is not supported")
        }
        guard headerLength <= maxHeaderBytes, headerStart + headerLength <= bytes.count else { throw bad("header length \(headerLength) exceeds the file") }
        guard let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw bad("header is not text")
        }
        guard let descr = field("descr", in: header).map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")) }) else {
            throw bad("header has no 'descr'")
        }
        guard let fortran = field("fortran_order", in: header) else { throw bad("header has no 'fortran_order'") }
        guard fortran.trimmingCharacters(in: .whitespaces) == "False" else { throw bad("Fortran-order arrays are not supported; save with np.ascontiguousarray") }
        guard let shapeText = field("shape", in: header) else { throw bad("header has no 'shape'") }
        let order = descr.first
        guard descr.count == 3, order == "<" || order == "|" || (order == "=" ) else {
            throw bad("dtype '\(descr)' is not little-endian or is not supported")
        }
        guard let dtype = descrs[String(descr.dropFirst())] else { throw bad("dtype '\(descr)' is not supported") }
        let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shape: [Int] = []
        for d in dims {
            guard let v = Int(d.hasSuffix("L") ? String(d.dropLast()) : d), v >= 0 else { throw bad("shape \(shapeText) is not a tuple of sizes") }
            shape.append(v)
        }
        let count = try ShapeMath.elementCount(shape)
        let dataStart = headerStart + headerLength
        let need = count * dtype.byteSize
        guard bytes.count - dataStart >= need else {
            throw bad("shape \(shape) of \(dtype) needs \(need) data bytes, file has \(bytes.count - dataStart)")
        }
        let t = try Tensor(zeros: dtype, shape: shape)
        bytes.withUnsafeBytes { src in
            if need > 0 { t.storage.bytes.copyMemory(from: src.baseAddress! + dataStart, byteCount: need) }
        }
        return t
    }

    /// Serialises a tensor as `.npy` version 1.0.
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        header(dtype: tensor.dtype, shape: tensor.shape) + Array(UnsafeRawBufferPointer(start: tensor.rawPointer, count: tensor.byteCount))
    }

    /// The `.npy` version 1.0 preamble (magic, version, header dict) for an array of `dtype` and
    /// `shape`; the C-order data follows it. Lets large arrays be written in pieces.
    public static func header(dtype: DType, shape: [Int]) -> [UInt8] {
        let code = descrs.first { $0.value == dtype }!.key
        let prefix = dtype.byteSize == 1 ? "|" : "<"
        let shapeText = shape.isEmpty ? "()" : shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(prefix)\(code)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad so the data starts on a 64-byte boundary, header ends with '\n'.
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        return magic + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
    }

    public static func read(path: String) throws(EdgeError) -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else { throw EdgeError(.io, "cannot read \(path)") }
        do { return try decode(Array(data)) } catch { throw EdgeError(error.code, "\(path): \(error.message)") }
    }

    public static func write(_ tensor: Tensor, path: String) throws(EdgeError) {
        do { try Data(encode(tensor)).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw EdgeError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// The text after `'key':` up to the next top-level comma (a tuple counts as one value).
    private static func field(_ key: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[r.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst()
        var depth = 0
        var value = ""
        for ch in rest {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if (ch == "," || ch == "}") && depth <= 0 { break }
            value.append(ch)
        }
        return value.trimmingCharacters(in: .whitespaces)
    }
}
