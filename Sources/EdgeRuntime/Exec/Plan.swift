/// A graph compiled for one set of concrete input shapes: kernels in execution order, every
/// activation placed in one arena, constants pointing at their (mapped) storage.
///
/// `execute` performs no heap allocation: the value table, slot lists and arena are built by
/// `PlanCompiler` and reused for every call. A plan is not reentrant; `InferenceSession`
/// serialises calls.
public final class Plan: @unchecked Sendable {
    struct Step {
        var node: Node
        var run: (KernelIO) -> Void
        var inputSlots: UnsafeMutablePointer<Int32>
        var outputSlots: UnsafeMutablePointer<Int32>
        var scratchOffset: Int?
    }

    /// Output values: slot and type, in graph output order.
    public let outputTypes: [TensorType]
    public let outputNames: [String]
    /// Input values the caller binds, in `Graph.runtimeInputs` order.
    public let inputTypes: [TensorType]
    public let inputNames: [String]
    /// Bytes of the activation arena.
    public let arenaBytes: Int
    /// Number of kernels run per inference (after folding and aliasing).
    public var stepCount: Int { steps.count }
    /// Type of every value the compiler saw (inputs, constants, intermediates, outputs).
    public let valueTypes: [String: TensorType]

    let steps: [Step]
    let table: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    let slotCount: Int
    let inputSlots: [Int32]
    let outputSlots: [Int32]
    /// (alias slot, source slot) pairs, in an order where sources are resolved first.
    let aliases: [(Int32, Int32)]
    let arena: TensorStorage
    /// Keeps constant tensors (and any packed weights captured by kernels) alive.
    let constants: [Tensor]

    init(steps: [Step], slotCount: Int, table: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
         inputNames: [String], inputTypes: [TensorType], inputSlots: [Int32],
         outputNames: [String], outputTypes: [TensorType], outputSlots: [Int32],
         aliases: [(Int32, Int32)], arena: TensorStorage, constants: [Tensor], valueTypes: [String: TensorType]) {
        self.steps = steps
        self.valueTypes = valueTypes
        self.slotCount = slotCount
        self.table = table
        self.inputNames = inputNames
        self.inputTypes = inputTypes
        self.inputSlots = inputSlots
        self.outputNames = outputNames
        self.outputTypes = outputTypes
        self.outputSlots = outputSlots
        self.aliases = aliases
        self.arena = arena
        self.arenaBytes = arena.byteCount
        self.constants = constants
    }

    deinit {
        for step in steps {
            step.inputSlots.deallocate()
            step.outputSlots.deallocate()
        }
        table.deallocate()
    }

    /// Runs the plan on `inputs` (raw pointers to data of `inputTypes`, in order).
    /// Results are read with `output(_:)` until the next call.
    public func execute(inputs: UnsafeBufferPointer<UnsafeRawPointer>) {
        precondition(inputs.count == inputSlots.count, "plan expects \(inputSlots.count) inputs")
        for i in 0..<inputSlots.count {
            table[Int(inputSlots[i])] = UnsafeMutableRawPointer(mutating: inputs[i])
        }
        for (alias, source) in aliases {
            table[Int(alias)] = table[Int(source)]
        }
        let arenaBase = arena.bytes
        for step in steps {
            let scratch = step.scratchOffset.map { arenaBase + $0 }
            step.run(KernelIO(table: table, inputSlots: step.inputSlots, outputSlots: step.outputSlots, scratch: scratch))
        }
    }

    /// Whether `inputs` have exactly this plan's input dtypes and shapes (no allocation).
    public func accepts(_ inputs: [Tensor]) -> Bool {
        guard inputs.count == inputTypes.count else { return false }
        for i in 0..<inputs.count where inputs[i].dtype != inputTypes[i].dtype || inputs[i].shape != inputTypes[i].shape {
            return false
        }
        return true
    }

    /// Pointer to output `i` of the last `execute` (valid until the next call).
    public func output(_ i: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(table[Int(outputSlots[i])]!)
    }

    /// Ops in execution order (for `info` and tests).
    public var stepOps: [String] { steps.map(\.node.op) }
    /// Nodes run per inference, in execution order.
    public var stepNodes: [Node] { steps.map(\.node) }
}
