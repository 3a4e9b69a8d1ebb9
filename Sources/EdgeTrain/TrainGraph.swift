import EdgeRuntime

/// A value of a `TrainGraph` (graph input or layer output) with its per-item shape.
public struct TValue: Sendable {
    public let id: Int
    /// Shape without the batch dimension.
    public let shape: [Int]
    /// Channels (dimension 1 of the batched tensor).
    public var channels: Int { shape.first ?? 1 }
}

/// A static graph of layers built in topological order, run forward and differentiated in
/// reverse (layer-wise reverse mode: each layer owns its backward; values with several readers
/// sum their gradients). The same graph exports to an EdgeRuntime `Graph` (eval semantics).
public final class TrainGraph: @unchecked Sendable {
    public struct Input: Sendable {
        public let name: String
        public let shape: [Int]
        /// Category ids (exported as int64); never differentiated.
        public let integer: Bool
    }

    struct Step {
        let layer: any Layer
        let inputs: [Int]
    }

    public private(set) var inputs: [Input] = []
    private(set) var steps: [Step] = []
    private var shapes: [[Int]] = []
    /// Named outputs: (name, value id).
    public private(set) var outputs: [(name: String, id: Int)] = []
    private var names = Set<String>()
    private var counters: [String: Int] = [:]

    public init() {}

    /// Declares a graph input; all inputs must be declared before the first layer.
    public func input(_ name: String, shape: [Int], integer: Bool = false) -> TValue {
        precondition(steps.isEmpty, "declare inputs before layers")
        inputs.append(Input(name: name, shape: shape, integer: integer))
        shapes.append(shape)
        return TValue(id: shapes.count - 1, shape: shape)
    }

    /// A fresh layer name `<kind><n>`.
    public func uniqueName(_ kind: String) -> String {
        let n = counters[kind, default: 0]
        counters[kind] = n + 1
        return "\(kind)\(n)"
    }

    /// Appends `layer` reading `inputs`; checks the shapes now, so a bad architecture fails at build time.
    @discardableResult
    public func add(_ layer: any Layer, _ inputs: [TValue]) throws(EdgeError) -> TValue {
        guard names.insert(layer.name).inserted else { throw EdgeError(.invalidGraph, "duplicate layer name \(layer.name)") }
        let shape = try layer.outputShape(inputs.map(\.shape))
        steps.append(Step(layer: layer, inputs: inputs.map(\.id)))
        shapes.append(shape)
        return TValue(id: shapes.count - 1, shape: shape)
    }

    /// Names `value` as a graph output (exported under that name).
    public func output(_ name: String, _ value: TValue) { outputs.append((name, value.id)) }

    public func shape(of id: Int) -> [Int] { shapes[id] }

    /// All trainable parameters in a stable order.
    public var parameters: [Parameter] { steps.flatMap { $0.layer.parameters } }
    /// Parameters and buffers: everything a checkpoint holds.
    public var state: [Parameter] { steps.flatMap { $0.layer.parameters + $0.layer.buffers } }
    /// The layers in execution order.
    public var layers: [any Layer] { steps.map(\.layer) }

    /// Runs the graph; returns every value (inputs first, then one per layer), indexed by id.
    public func forward(_ feeds: [TTensor], _ ctx: RunContext) throws(EdgeError) -> [TTensor] {
        guard feeds.count == inputs.count else { throw EdgeError(.invalidInput, "expected \(inputs.count) inputs, got \(feeds.count)") }
        var values = [TTensor]()
        values.reserveCapacity(shapes.count)
        for (feed, input) in zip(feeds, inputs) {
            guard Array(feed.shape.dropFirst()) == input.shape else {
                throw EdgeError(.invalidInput, "input \(input.name): shape \(feed.shape), expected [N] + \(input.shape)")
            }
            values.append(feed)
        }
        fuseOnce()
        ctx.profile?.prepare(layers)
        for (i, step) in steps.enumerated() {
            let t0 = ctx.profile == nil ? 0 : LayerTimes.now()
            values.append(try step.layer.forward(step.inputs.map { values[$0] }, ctx))
            ctx.profile?.addForward(i, LayerTimes.now() - t0)
        }
        return values
    }

    /// Back-propagates `seeds` (value id → dLoss/dValue) through every layer, accumulating
    /// parameter gradients (call `zeroGrad` first). Returns the gradients of the graph inputs.
    @discardableResult
    public func backward(_ values: [TTensor], seeds: [Int: TTensor], _ ctx: RunContext) -> [TTensor?] {
        var grads = [TTensor?](repeating: nil, count: values.count)
        for (id, g) in seeds { add(g, to: &grads[id]) }
        for (i, step) in steps.enumerated().reversed() {
            let out = inputs.count + i
            guard let dy = grads[out] else { continue }
            grads[out] = nil // free early
            let needs = step.inputs.map { $0 >= inputs.count || !inputs[$0].integer }
            let t0 = ctx.profile == nil ? 0 : LayerTimes.now()
            let dx = step.layer.backward(dy, inputs: step.inputs.map { values[$0] }, output: values[out], needs: needs, ctx)
            for (j, id) in step.inputs.enumerated() where needs[j] {
                if let g = dx[j] { add(g, to: &grads[id]) }
            }
            ctx.profile?.addBackward(i, LayerTimes.now() - t0)
        }
        return Array(grads[0..<inputs.count])
    }

    private var fused = false

    /// Fuses each ReLU/ReLU6 into the batch norm feeding it (one pass over memory instead of two)
    /// when the batch-norm value has no other reader and is not a named output. Runs before the
    /// first forward, after the graph is complete; values of a fused batch norm hold the activated result.
    private func fuseOnce() {
        guard !fused else { return }
        fused = true
        var readers = [Int](repeating: 0, count: shapes.count)
        for step in steps { for id in step.inputs { readers[id] += 1 } }
        let named = Set(outputs.map(\.id))
        for step in steps {
            guard let act = step.layer as? Activation, let range = act.clampRange, step.inputs.count == 1 else { continue }
            let id = step.inputs[0]
            guard id >= inputs.count, readers[id] == 1, !named.contains(id),
                  let bn = steps[id - inputs.count].layer as? BatchNorm, bn.fusedClamp == nil else { continue }
            bn.fusedClamp = range
            act.fusedIntoInput = true
        }
    }

    private func add(_ g: TTensor, to slot: inout TTensor?) {
        if slot == nil { slot = g } else { slot!.accumulate(g) }
    }

    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}
