import CEdgeKernels
import Synchronization

/// Settings for an `InferenceSession`.
public struct SessionOptions: Sendable {
    /// Intra-op threads (default 1: the daemon owns its threads). Workers sleep when idle.
    public var threads: Int = 1
    /// Run graph optimisations (BatchNorm folding, activation fusion, dead-node removal).
    public var optimize: Bool = true
    /// Upper bound on distinct input-shape plans kept (oldest dropped first).
    public var maxCachedPlans: Int = 16
    /// No single tensor and no plan's activation arena may exceed this many bytes; a model
    /// (or input shape) that would is refused with `too_large` instead of exhausting memory.
    public var memoryLimitBytes: Int = 4 << 30

    public init(threads: Int = 1, optimize: Bool = true) {
        self.threads = threads
        self.optimize = optimize
    }
}

/// Runs a graph. Compiles one `Plan` per distinct set of input shapes and caches it, so after
/// the first call for a shape `run(inputs:outputs:)` performs no heap allocation.
///
/// Thread-safe: calls are serialised by a mutex (one arena per plan).
public final class InferenceSession: @unchecked Sendable {
    public let graph: Graph
    public let options: SessionOptions
    private let sortedNodes: [Node]
    private let execution: ExecutionOptions
    private let declaredInputs: [ValueInfo]
    private let state = Mutex(PlanCache())

    /// Plans by input shapes, plus the most recently used one so the steady state (same shapes
    /// every call) is found without building a key, i.e. without allocating.
    private struct PlanCache {
        var plans: [[[Int]]: Plan] = [:]
        var order: [[[Int]]] = []
        var last: Plan?
    }

    /// Validates and optimises `graph`. Throws if it uses unsupported ops or is malformed.
    public init(graph: Graph, options: SessionOptions = SessionOptions()) throws(EdgeError) {
        try OpRegistry.checkSupported(graph)
        let optimized = options.optimize ? try GraphOptimizer.optimizeForExecution(graph) : graph
        self.graph = optimized
        self.options = options
        self.sortedNodes = try optimized.topologicallySorted()
        self.declaredInputs = optimized.runtimeInputs
        let threads = max(1, min(options.threads, 64))
        self.execution = ExecutionOptions(threads: threads, pool: threads > 1 ? ek_pool_create(Int32(threads)) : nil,
                                        memoryLimitBytes: options.memoryLimitBytes)
    }

    deinit {
        if let pool = execution.pool { ek_pool_destroy(pool) }
    }

    /// Inputs the caller must feed, in order.
    public var inputs: [ValueInfo] { declaredInputs }
    public var outputs: [ValueInfo] { graph.outputs }

    /// The compiled plan for these input tensors' shapes (compiled on first use, then cached).
    public func plan(for inputs: [Tensor]) throws(EdgeError) -> Plan {
        if let hit = state.withLock({ cache in cache.last.flatMap { $0.accepts(inputs) ? $0 : nil } }) { return hit }
        let declared = declaredInputs
        guard inputs.count == declared.count else {
            throw EdgeError.invalidInput("model expects \(declared.count) input(s) (\(declared.map(\.name).joined(separator: ", "))), got \(inputs.count)")
        }
        for (t, info) in zip(inputs, declared) {
            guard t.dtype == info.dtype else {
                throw EdgeError.invalidInput("input '\(info.name)' must be \(info.dtype), got \(t.dtype)")
            }
            guard info.accepts(t.shape) else {
                throw EdgeError.invalidInput("input '\(info.name)' must have shape \(info.shape.map { "\($0)" } ?? "?"), got \(t.shape)")
            }
        }
        let key = inputs.map(\.shape)
        if let cached = state.withLock({ cache -> Plan? in
            cache.last = cache.plans[key] ?? cache.last
            return cache.plans[key]
        }) { return cached }
        var types: [String: TensorType] = [:]
        for (t, info) in zip(inputs, declared) { types[info.name] = TensorType(t.dtype, t.shape) }
        let compiler = PlanCompiler(graph: graph, sortedNodes: sortedNodes, options: execution)
        let plan = try compiler.compile(inputTypes: types)
        let limit = options.maxCachedPlans
        state.withLock { cache in
            if cache.plans[key] == nil {
                cache.order.append(key)
                if cache.order.count > limit { cache.plans[cache.order.removeFirst()] = nil }
            }
            cache.plans[key] = plan
            cache.last = plan
        }
        return plan
    }

    /// Runs the graph; inputs in `inputs` order. Returns freshly allocated output tensors.
    public func run(_ inputs: [Tensor]) throws(EdgeError) -> [Tensor] {
        let plan = try plan(for: inputs)
        let outputs = try plan.outputTypes.map { (t) throws(EdgeError) in try Tensor(zeros: t.dtype, shape: t.shape) }
        try run(inputs: inputs, outputs: outputs)
        return outputs
    }

    /// Runs the graph with named inputs; returns outputs by name.
    public func run(_ feeds: [String: Tensor]) throws(EdgeError) -> [String: Tensor] {
        let ordered = try graph.runtimeInputs.map { (info) throws(EdgeError) -> Tensor in
            guard let t = feeds[info.name] else { throw EdgeError.invalidInput("missing input '\(info.name)'") }
            return t
        }
        let unknown = Set(feeds.keys).subtracting(graph.runtimeInputs.map(\.name))
        guard unknown.isEmpty else {
            throw EdgeError.invalidInput("unknown input(s) \(unknown.sorted().joined(separator: ", ")); the model takes \(graph.runtimeInputs.map(\.name).joined(separator: ", "))")
        }
        let results = try run(ordered)
        return Dictionary(uniqueKeysWithValues: zip(graph.outputs.map(\.name), results))
    }

    /// Runs the graph writing into caller-owned `outputs` (shapes must match the plan's).
    /// Allocation-free once the plan for these shapes exists.
    public func run(inputs: [Tensor], outputs: [Tensor]) throws(EdgeError) {
        let plan = try plan(for: inputs)
        guard outputs.count == plan.outputTypes.count else {
            throw EdgeError.invalidInput("expected \(plan.outputTypes.count) output buffers, got \(outputs.count)")
        }
        for (o, t) in zip(outputs, plan.outputTypes) where o.dtype != t.dtype || o.shape != t.shape {
            throw EdgeError.invalidInput("output buffer \(o) does not match \(t)")
        }
        state.withLock { _ in
            withUnsafeTemporaryAllocation(of: UnsafeRawPointer.self, capacity: max(inputs.count, 1)) { ptrs in
                for (i, t) in inputs.enumerated() { ptrs[i] = t.rawPointer }
                plan.execute(inputs: UnsafeBufferPointer(rebasing: ptrs[0..<inputs.count]))
            }
            for (i, o) in outputs.enumerated() {
                o.storage.bytes.copyMemory(from: plan.output(i), byteCount: o.byteCount)
            }
        }
    }
}
