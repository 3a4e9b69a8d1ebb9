#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes behind a tensor: either an aligned heap block this object owns, or a region of a
/// memory-mapped model file kept alive by `owner` (weights are never copied out of the file).
public final class TensorStorage: @unchecked Sendable {
    /// Alignment of every heap block and of every tensor in a model file.
    public static let alignment = 64

    public let bytes: UnsafeMutableRawPointer
    public let byteCount: Int
    private let ownsBytes: Bool
    private let owner: AnyObject?

    /// A zero-filled, 64-byte-aligned heap block.
    public init(byteCount: Int) {
        let size = max(byteCount, 1)
        var p: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&p, TensorStorage.alignment, (size + 63) & ~63) == 0, let p else {
            fatalError("out of memory allocating \(byteCount) bytes")
        }
        memset(p, 0, size)
        self.bytes = p
        self.byteCount = byteCount
        self.ownsBytes = true
        self.owner = nil
    }

    /// A view of memory owned by `owner` (e.g. a mapped file). The memory must stay valid and
    /// unchanged while `owner` lives.
    public init(borrowing bytes: UnsafeRawPointer, byteCount: Int, owner: AnyObject) {
        self.bytes = UnsafeMutableRawPointer(mutating: bytes)
        self.byteCount = byteCount
        self.ownsBytes = false
        self.owner = owner
    }

    deinit {
        if ownsBytes { free(bytes) }
    }
}

/// A dense, row-major tensor: dtype, shape and the bytes that hold it.
///
/// Value semantics for the metadata; the storage is shared. Tensors handed to and returned by
/// the executor are never mutated in place by the engine.
public struct Tensor: @unchecked Sendable, CustomStringConvertible {
    public let dtype: DType
    public let shape: [Int]
    public let storage: TensorStorage

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Number of bytes of the elements.
    public var byteCount: Int { count * dtype.byteSize }
    public var rawPointer: UnsafeRawPointer { UnsafeRawPointer(storage.bytes) }

    /// Wraps existing storage; `storage` must hold at least `count * dtype.byteSize` bytes.
    public init(dtype: DType, shape: [Int], storage: TensorStorage) throws(EdgeError) {
        let n = try ShapeMath.elementCount(shape)
        guard n * dtype.byteSize <= storage.byteCount else {
            throw EdgeError(.invalidModel, "tensor of shape \(shape) \(dtype) needs \(n * dtype.byteSize) bytes, storage has \(storage.byteCount)")
        }
        self.dtype = dtype
        self.shape = shape
        self.storage = storage
    }

    /// A zero-filled tensor.
    public init(zeros dtype: DType, shape: [Int]) throws(EdgeError) {
        let n = try ShapeMath.elementCount(shape)
        self.dtype = dtype
        self.shape = shape
        self.storage = TensorStorage(byteCount: n * dtype.byteSize)
    }

    /// A tensor holding a copy of `values` (Float → float32, Int64 → int64, …).
    public init<T: TensorScalar>(_ values: [T], shape: [Int]) throws(EdgeError) {
        let n = try ShapeMath.elementCount(shape)
        guard n == values.count else {
            throw EdgeError(.invalidInput, "\(values.count) values do not fill shape \(shape)")
        }
        try self.init(zeros: T.dtype, shape: shape)
        values.withUnsafeBytes { src in
            if let base = src.baseAddress { storage.bytes.copyMemory(from: base, byteCount: src.count) }
        }
    }

    /// A rank-0 tensor.
    public init<T: TensorScalar>(scalar: T) {
        try! self.init([scalar], shape: [])
    }

    /// The elements as a Swift array; `T.dtype` must equal `dtype`.
    public func scalars<T: TensorScalar>(as: T.Type = T.self) -> [T] {
        precondition(T.dtype == dtype, "tensor is \(dtype), asked for \(T.dtype)")
        let p = storage.bytes.bindMemory(to: T.self, capacity: count)
        return Array(UnsafeBufferPointer(start: p, count: count))
    }

    /// Elements converted to Int (for integer shape/index tensors of any integer dtype).
    public func intValues() throws(EdgeError) -> [Int] {
        let n = count
        let p = storage.bytes
        switch dtype {
        case .int64: return (0..<n).map { Int(p.load(fromByteOffset: $0 * 8, as: Int64.self)) }
        case .int32: return (0..<n).map { Int(p.load(fromByteOffset: $0 * 4, as: Int32.self)) }
        case .uint8, .bool: return (0..<n).map { Int(p.load(fromByteOffset: $0, as: UInt8.self)) }
        case .int8: return (0..<n).map { Int(p.load(fromByteOffset: $0, as: Int8.self)) }
        case .uint32: return (0..<n).map { Int(p.load(fromByteOffset: $0 * 4, as: UInt32.self)) }
        case .int16: return (0..<n).map { Int(p.load(fromByteOffset: $0 * 2, as: Int16.self)) }
        case .uint16: return (0..<n).map { Int(p.load(fromByteOffset: $0 * 2, as: UInt16.self)) }
        case .uint64: return (0..<n).map { Int(truncatingIfNeeded: p.load(fromByteOffset: $0 * 8, as: UInt64.self)) }
        case .float32: return (0..<n).map { Int(p.load(fromByteOffset: $0 * 4, as: Float.self)) }
        case .float64: return (0..<n).map { Int(p.load(fromByteOffset: $0 * 8, as: Double.self)) }
        case .float16: throw EdgeError(.unsupported, "float16 tensor used as integers")
        }
    }

    /// Elements converted to Float (for float32/float64/int tensors).
    public func floatValues() throws(EdgeError) -> [Float] {
        switch dtype {
        case .float32: return scalars(as: Float.self)
        case .float64: return scalars(as: Double.self).map { Float($0) }
        default: return try intValues().map { Float($0) }
        }
    }

    /// A copy with the same elements and a different shape of the same element count.
    public func reshaped(_ newShape: [Int]) throws(EdgeError) -> Tensor {
        guard try ShapeMath.elementCount(newShape) == count else {
            throw EdgeError(.invalidGraph, "cannot reshape \(shape) to \(newShape)")
        }
        return try Tensor(dtype: dtype, shape: newShape, storage: storage)
    }

    /// A deep copy in fresh heap storage.
    public func copy() -> Tensor {
        let t = try! Tensor(zeros: dtype, shape: shape)
        t.storage.bytes.copyMemory(from: storage.bytes, byteCount: byteCount)
        return t
    }

    public var description: String { "Tensor<\(dtype)>\(shape)" }
}

/// Swift scalar types that map to a `DType`.
public protocol TensorScalar: Sendable {
    static var dtype: DType { get }
}
extension Float: TensorScalar { public static var dtype: DType { .float32 } }
extension Double: TensorScalar { public static var dtype: DType { .float64 } }
extension Int64: TensorScalar { public static var dtype: DType { .int64 } }
extension Int32: TensorScalar { public static var dtype: DType { .int32 } }
extension Int8: TensorScalar { public static var dtype: DType { .int8 } }
extension UInt8: TensorScalar { public static var dtype: DType { .uint8 } }
extension Bool: TensorScalar { public static var dtype: DType { .bool } }
