import CEdgeKernels

/// The static type of a value in a compiled plan: element type and concrete shape.
public struct TensorType: Sendable, Hashable, CustomStringConvertible {
    public var dtype: DType
    public var shape: [Int]

    public init(_ dtype: DType, _ shape: [Int]) {
        self.dtype = dtype
        self.shape = shape
    }

    public var count: Int { shape.reduce(1, *) }
    public var byteCount: Int { count * dtype.byteSize }
    public var rank: Int { shape.count }
    public var description: String { "\(dtype)\(shape)" }
}

/// Pointers a kernel reads and writes during `run`. Built once per plan; valid only inside `run`.
///
/// ```
///  table (one slot per value) ──► [ptr0][ptr1][ptr2] …      inputs/outputs hold slot numbers
/// ```
public struct KernelIO {
    @usableFromInline let table: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    @usableFromInline let inputSlots: UnsafePointer<Int32>
    @usableFromInline let outputSlots: UnsafePointer<Int32>
    /// Per-step scratch memory of the size the kernel asked for at prepare time (nil if none).
    public let scratch: UnsafeMutableRawPointer?

    /// Raw pointer to input `i`. Absent optional inputs give a null pointer: check `hasInput`.
    @inlinable public func input(_ i: Int) -> UnsafeRawPointer {
        let slot = Int(inputSlots[i])
        return UnsafeRawPointer(table[slot].unsafelyUnwrapped)
    }

    @inlinable public func output(_ i: Int) -> UnsafeMutableRawPointer {
        table[Int(outputSlots[i])].unsafelyUnwrapped
    }

    @inlinable public func floats(_ i: Int) -> UnsafePointer<Float> {
        input(i).assumingMemoryBound(to: Float.self)
    }

    @inlinable public func outputFloats(_ i: Int) -> UnsafeMutablePointer<Float> {
        output(i).assumingMemoryBound(to: Float.self)
    }
}

/// What an op's `prepare` returns: output types and the kernel that computes them.
public struct Prepared {
    public var outputTypes: [TensorType]
    /// Computes the outputs from the inputs. Called on every inference: must not allocate,
    /// lock or throw. Captures everything precomputed (strides, packed weights, …).
    public var run: (KernelIO) -> Void
    /// Bytes of scratch memory `run` needs (from the plan's arena; 64-byte aligned).
    public var scratchBytes: Int
    /// If set, output 0 shares the memory of this input (Reshape, Flatten, Identity…):
    /// `run` is never called and no copy is made.
    public var aliasesInput: Int?

    public init(outputTypes: [TensorType], scratchBytes: Int = 0, run: @escaping (KernelIO) -> Void) {
        self.outputTypes = outputTypes
        self.scratchBytes = scratchBytes
        self.run = run
        self.aliasesInput = nil
    }

    /// Output 0 is input `input` reinterpreted as `type` (same byte count).
    public static func alias(input: Int, as type: TensorType) -> Prepared {
        var p = Prepared(outputTypes: [type], run: { _ in })
        p.aliasesInput = input
        return p
    }
}

/// Everything an op sees while preparing one node for one set of input shapes.
public struct PrepareContext {
    public let node: Node
    /// Types of the inputs; nil where an optional input is absent.
    public let inputTypes: [TensorType?]
    /// Values of inputs known at compile time (initializers, folded constants); nil otherwise.
    public let constants: [Tensor?]
    public let options: ExecutionOptions

    public var attributes: Attributes { node.attributes }
    public var inputCount: Int { inputTypes.count }

    /// Type of a required input; a clear error if it is missing.
    public func input(_ i: Int) throws(EdgeError) -> TensorType {
        guard i < inputTypes.count, let t = inputTypes[i] else {
            throw EdgeError(.invalidGraph, "\(node.label) needs input #\(i)")
        }
        return t
    }

    public func hasInput(_ i: Int) -> Bool { i < inputTypes.count && inputTypes[i] != nil }

    /// Compile-time value of input `i`, if known.
    public func constant(_ i: Int) -> Tensor? { i < constants.count ? constants[i] : nil }

    /// Compile-time value of input `i`, which this op requires to be constant (shapes, axes…).
    public func requireConstant(_ i: Int, _ what: String) throws(EdgeError) -> Tensor {
        guard let t = constant(i) else {
            throw EdgeError(.unsupported, "\(node.label): \(what) (input #\(i)) must be known when the plan is compiled")
        }
        return t
    }

    /// Requires input `i` to have one of `dtypes`.
    @discardableResult
    public func input(_ i: Int, oneOf dtypes: Set<DType>) throws(EdgeError) -> TensorType {
        let t = try input(i)
        guard dtypes.contains(t.dtype) else {
            throw EdgeError(.unsupported, "\(node.label): input #\(i) is \(t.dtype); supported: \(dtypes.map(\.description).sorted().joined(separator: ", "))")
        }
        return t
    }

    public func fail(_ message: String) -> EdgeError {
        EdgeError(.invalidGraph, "\(node.label): \(message)")
    }
}

/// An operator implementation: validates a node, infers its output types and builds its kernel.
public protocol OpDefinition {
    /// ONNX op types this definition implements.
    static var opTypes: [String] { get }
    /// Whether the op can be evaluated at compile time from input *types* alone (Shape, Size).
    static var needsOnlyInputTypes: Bool { get }
    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared
}

extension OpDefinition {
    public static var needsOnlyInputTypes: Bool { false }
}

/// Options that shape how plans are compiled and run.
public struct ExecutionOptions: @unchecked Sendable {
    /// Intra-op threads (1 = run on the caller only; workers sleep when idle).
    public var threads: Int
    /// Worker pool shared by the kernels of one session (nil when threads == 1).
    public let pool: OpaquePointer?

    /// Largest tensor, and largest arena, a plan may need (see `SessionOptions.memoryLimitBytes`).
    public let memoryLimitBytes: Int

    init(threads: Int, pool: OpaquePointer?, memoryLimitBytes: Int) {
        self.threads = threads
        self.pool = pool
        self.memoryLimitBytes = memoryLimitBytes
    }
}
