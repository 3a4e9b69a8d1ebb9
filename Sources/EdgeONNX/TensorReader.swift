import EdgeRuntime
import Foundation

/// Turns `TensorProto`s into `Tensor`s, validating that the data fills the declared shape.
///
/// Data may come from `raw_data` (little-endian bytes), from the typed repeated fields, or
/// from an external file (`data_location = EXTERNAL`, see `ExternalData`). Typed fields
/// follow onnx.proto: int8/uint8/int16/uint16/bool/float16 are stored one per `int32_data`
/// entry (float16 as its bit pattern), uint32/uint64 in `uint64_data`.
struct TensorReader {
    /// Directory external data paths are relative to (nil: external data is rejected).
    var baseDirectory: URL?

    func tensor(_ proto: Onnx_TensorProto) throws(EdgeError) -> Tensor {
        let label = proto.name.isEmpty ? "unnamed tensor" : "tensor '\(proto.name)'"
        func fail(_ message: String) -> EdgeError { EdgeError(.invalidModel, "\(label): \(message)") }

        guard let dtype = DType(rawValue: UInt8(clamping: max(proto.dataType, 0))), Int32(dtype.rawValue) == proto.dataType else {
            throw EdgeError(.unsupported, "\(label): data type \(ONNXTypes.name(proto.dataType)) is not supported")
        }
        var shape: [Int] = []
        for d in proto.dims {
            guard d >= 0 else { throw fail("negative dimension \(d) in \(proto.dims)") }
            shape.append(Int(d))
        }
        let count: Int
        do { count = try ShapeMath.elementCount(shape) } catch { throw fail(error.message) }
        let byteCount = count * dtype.byteSize
        // Sizes are checked against the data present before anything is allocated, so a
        // hostile shape cannot make us reserve terabytes.

        if proto.hasDataLocation && proto.dataLocation == .external {
            guard let baseDirectory else {
                throw fail("uses external data, which needs the model's directory (load the model from a file)")
            }
            let bytes = try ExternalData(entries: proto.externalData, label: label)
                .bytes(count: byteCount, baseDirectory: baseDirectory)
            return try copy(bytes, dtype: dtype, shape: shape)
        }
        if proto.hasRawData {
            guard proto.rawData.count == byteCount else {
                throw fail("raw_data has \(proto.rawData.count) bytes, shape \(shape) of \(dtype) needs \(byteCount)")
            }
            return try copy(proto.rawData, dtype: dtype, shape: shape)
        }

        /// A tensor of `values` converted by `convert`, after checking their number.
        func fill<S, D>(_ values: [S], field: String, as _: D.Type, _ convert: (S) -> D) throws(EdgeError) -> Tensor {
            guard values.count == count else {
                throw fail("\(field) has \(values.count) values, shape \(shape) needs \(count)")
            }
            let result = try Tensor(zeros: dtype, shape: shape)
            let p = result.storage.bytes.bindMemory(to: D.self, capacity: count)
            for (i, v) in values.enumerated() { p[i] = convert(v) }
            return result
        }
        switch dtype {
        case .float32: return try fill(proto.floatData, field: "float_data", as: Float.self) { $0 }
        case .float64: return try fill(proto.doubleData, field: "double_data", as: Double.self) { $0 }
        case .int64: return try fill(proto.int64Data, field: "int64_data", as: Int64.self) { $0 }
        case .int32: return try fill(proto.int32Data, field: "int32_data", as: Int32.self) { $0 }
        case .int16: return try fill(proto.int32Data, field: "int32_data", as: Int16.self) { Int16(truncatingIfNeeded: $0) }
        case .uint16, .float16: return try fill(proto.int32Data, field: "int32_data", as: UInt16.self) { UInt16(truncatingIfNeeded: $0) }
        case .int8: return try fill(proto.int32Data, field: "int32_data", as: Int8.self) { Int8(truncatingIfNeeded: $0) }
        case .uint8: return try fill(proto.int32Data, field: "int32_data", as: UInt8.self) { UInt8(truncatingIfNeeded: $0) }
        case .bool: return try fill(proto.int32Data, field: "int32_data", as: UInt8.self) { $0 != 0 ? 1 : 0 }
        case .uint32: return try fill(proto.uint64Data, field: "uint64_data", as: UInt32.self) { UInt32(truncatingIfNeeded: $0) }
        case .uint64: return try fill(proto.uint64Data, field: "uint64_data", as: UInt64.self) { $0 }
        }
    }

    /// A tensor holding a copy of `bytes` (already checked to be exactly its size), in
    /// aligned storage.
    private func copy(_ bytes: Data, dtype: DType, shape: [Int]) throws(EdgeError) -> Tensor {
        let result = try Tensor(zeros: dtype, shape: shape)
        bytes.withUnsafeBytes { src in
            if let base = src.baseAddress, !src.isEmpty { result.storage.bytes.copyMemory(from: base, byteCount: src.count) }
        }
        return result
    }
}

/// ONNX `TensorProto.DataType` codes the engine has no `DType` for, named for error messages.
enum ONNXTypes {
    static func name(_ code: Int32) -> String {
        if let d = DType(rawValue: UInt8(clamping: max(code, 0))), Int32(d.rawValue) == code { return d.description }
        switch code {
        case 0: return "UNDEFINED"
        case 8: return "STRING"
        case 14: return "COMPLEX64"
        case 15: return "COMPLEX128"
        case 16: return "BFLOAT16"
        case 17...20: return "FLOAT8 (code \(code))"
        case 21, 22: return "4-bit integer (code \(code))"
        default: return "code \(code)"
        }
    }

    /// The element type of a declared value, or an error naming the value.
    static func dtype(_ code: Int32, of what: String) throws(EdgeError) -> DType {
        guard let d = DType(rawValue: UInt8(clamping: max(code, 0))), Int32(d.rawValue) == code else {
            throw EdgeError(.unsupported, "\(what) has element type \(name(code)), which is not supported")
        }
        return d
    }
}
