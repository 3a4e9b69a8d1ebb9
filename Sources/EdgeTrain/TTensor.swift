import EdgeRuntime

/// A dense float32 training tensor (row-major, NCHW for images). Training keeps values in Swift
/// arrays (value semantics, no aliasing); each step allocates its activations from the heap that
/// `TrainMemory` keeps mapped, so after the first step no page is faulted in again.
/// Integer inputs (category ids) are carried as exact small floats.
public struct TTensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], value: Float = 0) {
        self.shape = shape
        self.data = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A tensor of `shape` whose values the caller overwrites before reading (no zero fill: outputs
    /// that a kernel writes completely skip a pass over memory).
    public init(uninitializedShape shape: [Int]) {
        self.shape = shape
        let count = shape.reduce(1, *)
        self.data = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// A tensor of `shape` with the given values (count must match).
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "TTensor: \(data.count) values for shape \(shape)")
        self.shape = shape
        self.data = data
    }

    public var count: Int { data.count }
    /// Size of dimension 0 (the batch).
    public var batch: Int { shape.first ?? 1 }
    /// Elements per batch item.
    public var itemCount: Int { shape.isEmpty ? 1 : shape.dropFirst().reduce(1, *) }

    /// The runtime tensor with the same shape and values.
    public func toTensor() -> Tensor {
        // Shape and count agree by construction, so the runtime initializer cannot fail.
        try! Tensor(data, shape: shape)
    }

    /// Converts a float32 runtime tensor; other dtypes are converted to float (ids must stay < 2²⁴).
    public init(_ t: Tensor) throws(EdgeError) {
        switch t.dtype {
        case .float32: self.init(shape: t.shape, data: t.scalars(as: Float.self))
        case .int64: self.init(shape: t.shape, data: t.scalars(as: Int64.self).map(Float.init))
        case .int32: self.init(shape: t.shape, data: t.scalars(as: Int32.self).map(Float.init))
        default: throw EdgeError(.invalidInput, "cannot train on \(t.dtype) tensors")
        }
    }

    /// Rows [start, start + n) of dimension 0.
    public func rows(_ indices: ArraySlice<Int>) -> TTensor {
        let item = itemCount
        var out = [Float](repeating: 0, count: indices.count * item)
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    for j in 0..<item { dst[k * item + j] = src[i * item + j] }
                }
            }
        }
        return TTensor(shape: [indices.count] + shape.dropFirst(), data: out)
    }

    /// Elementwise accumulate (`self += other`), shapes must match.
    mutating func accumulate(_ other: TTensor) {
        precondition(other.count == count, "accumulate: \(other.shape) into \(shape)")
        data.withUnsafeMutableBufferPointer { d in
            other.data.withUnsafeBufferPointer { o in
                for i in 0..<d.count { d[i] += o[i] }
            }
        }
    }
}
