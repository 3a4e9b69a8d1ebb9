/// Turns a (topologically sorted, optimised) graph plus concrete input types into a `Plan`:
/// infers every shape, folds everything computable at compile time (constants, `Shape`
/// chains), resolves aliases and places activations in one arena.
struct PlanCompiler {
    let graph: Graph
    let sortedNodes: [Node]
    let options: ExecutionOptions

    private enum Location {
        case input(Int)
        case constant(Tensor)
        case arena(producer: Int)
        case alias(of: String)
    }

    func compile(inputTypes: [String: TensorType]) throws(EdgeError) -> Plan {
        var types: [String: TensorType] = [:]
        var constants: [String: Tensor] = graph.initializers
        var location: [String: Location] = [:]
        for (name, t) in constants {
            types[name] = TensorType(t.dtype, t.shape)
            location[name] = .constant(t)
        }
        let runtimeInputs = graph.runtimeInputs
        for (i, info) in runtimeInputs.enumerated() {
            guard let t = inputTypes[info.name] else {
                throw EdgeError.invalidInput("missing input '\(info.name)'")
            }
            types[info.name] = t
            location[info.name] = .input(i)
        }

        struct PendingStep {
            var node: Node
            var prepared: Prepared
        }
        var pending: [PendingStep] = []

        for (nodeIndex, original) in sortedNodes.enumerated() {
            guard let def = OpRegistry.definition(for: original.op) else {
                throw EdgeError(.unsupportedOperator, "unsupported operator \(original.op) (\(original.label))")
            }
            let inTypes: [TensorType?] = original.inputs.map { $0.isEmpty ? nil : types[$0] }
            for (i, name) in original.inputs.enumerated() where !name.isEmpty && inTypes[i] == nil {
                throw EdgeError.invalidGraph("\(original.label): type of input '\(name)' is unknown")
            }
            let inConsts: [Tensor?] = original.inputs.map { $0.isEmpty ? nil : constants[$0] }
            let ctx = PrepareContext(node: original, inputTypes: inTypes, constants: inConsts, options: options)
            let prepared = try def.prepare(ctx)
            if let last = original.outputs.lastIndex(where: { !$0.isEmpty }), last >= prepared.outputTypes.count {
                throw EdgeError.invalidGraph("\(original.label) has \(prepared.outputTypes.count) output(s), the graph reads output #\(last)")
            }
            // Unnamed optional outputs the op produces still get memory of their own, so an op
            // that writes every output never clobbers another value.
            var node = original
            node.outputs = prepared.outputTypes.indices.map { i in
                i < original.outputs.count && !original.outputs[i].isEmpty ? original.outputs[i] : "\u{0}unused.\(nodeIndex).\(i)"
            }
            for (i, name) in node.outputs.enumerated() {
                types[name] = prepared.outputTypes[i]
                _ = try ShapeMath.elementCount(prepared.outputTypes[i].shape)
            }
            let allConstant = zip(node.inputs, inConsts).allSatisfy { $0.isEmpty || $1 != nil }
            if allConstant || def.needsOnlyInputTypes {
                let folded = try fold(node: node, prepared: prepared, inputs: inConsts)
                for (i, name) in node.outputs.enumerated() {
                    constants[name] = folded[i]
                    location[name] = .constant(folded[i])
                }
            } else if let src = prepared.aliasesInput {
                location[node.outputs[0]] = .alias(of: node.inputs[src])
            } else {
                for name in node.outputs { location[name] = .arena(producer: pending.count) }
                pending.append(PendingStep(node: node, prepared: prepared))
            }
        }

        // Slots: one per value name, plus one scratch pseudo-value per step that needs it.
        var slotOf: [String: Int32] = [:]
        var slotNames: [String] = []
        func slot(_ name: String) -> Int32 {
            if let s = slotOf[name] { return s }
            let s = Int32(slotNames.count)
            slotOf[name] = s
            slotNames.append(name)
            return s
        }
        func root(_ name: String) -> String {
            var n = name
            while case .alias(let src)? = location[n] { n = src }
            return n
        }

        // Lifetimes of arena values (aliases extend their root's lifetime).
        let end = pending.count
        var lastUse: [String: Int] = [:]
        for (stepIndex, step) in pending.enumerated() {
            for input in step.node.inputs where !input.isEmpty {
                let r = root(input)
                lastUse[r] = max(lastUse[r] ?? stepIndex, stepIndex)
            }
        }
        for out in graph.outputs { lastUse[root(out.name)] = end }

        var requests: [MemoryPlanner.Request] = []
        var requestNames: [String] = []
        var scratchRequest: [Int: Int] = [:]
        for (stepIndex, step) in pending.enumerated() {
            for (i, name) in step.node.outputs.enumerated() where !name.isEmpty {
                requests.append(.init(bytes: step.prepared.outputTypes[i].byteCount, firstStep: stepIndex,
                                      lastStep: max(lastUse[name] ?? stepIndex, stepIndex)))
                requestNames.append(name)
            }
            if step.prepared.scratchBytes > 0 {
                scratchRequest[stepIndex] = requests.count
                requests.append(.init(bytes: step.prepared.scratchBytes, firstStep: stepIndex, lastStep: stepIndex))
                requestNames.append("")
            }
        }
        let (offsets, arenaBytes) = MemoryPlanner.place(requests)
        let arena = TensorStorage(byteCount: arenaBytes)

        // Value table.
        for name in graph.runtimeInputs.map(\.name) { _ = slot(name) }
        for step in pending {
            for n in step.node.inputs where !n.isEmpty { _ = slot(n) }
            for n in step.node.outputs where !n.isEmpty { _ = slot(n) }
        }
        for out in graph.outputs { _ = slot(out.name) }
        let table = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: max(slotNames.count, 1))
        table.initialize(repeating: nil, count: max(slotNames.count, 1))
        var keepAlive: [Tensor] = []
        var aliases: [(Int32, Int32)] = []
        for (i, name) in requestNames.enumerated() where !name.isEmpty {
            table[Int(slot(name))] = arena.bytes + offsets[i]
        }
        for (s, name) in slotNames.enumerated() {
            switch location[name] {
            case .constant(let t)?:
                table[s] = t.storage.bytes
                keepAlive.append(t)
            case .alias?:
                aliases.append((Int32(s), slot(root(name))))
            default:
                break
            }
        }

        let steps = pending.enumerated().map { (index, step) -> Plan.Step in
            let ins = UnsafeMutablePointer<Int32>.allocate(capacity: max(step.node.inputs.count, 1))
            for (i, n) in step.node.inputs.enumerated() { ins[i] = n.isEmpty ? 0 : slot(n) }
            let outs = UnsafeMutablePointer<Int32>.allocate(capacity: max(step.node.outputs.count, 1))
            for (i, n) in step.node.outputs.enumerated() { outs[i] = n.isEmpty ? 0 : slot(n) }
            return Plan.Step(node: step.node, run: step.prepared.run,
                             inputSlots: ins, outputSlots: outs,
                             scratchOffset: scratchRequest[index].map { offsets[$0] })
        }

        let outputTypes = try graph.outputs.map { (o) throws(EdgeError) -> TensorType in
            guard let t = types[o.name] else { throw EdgeError.invalidGraph("output '\(o.name)' has no type") }
            return t
        }
        return Plan(steps: steps, slotCount: slotNames.count, table: table,
                    inputNames: runtimeInputs.map(\.name),
                    inputTypes: runtimeInputs.map { types[$0.name]! },
                    inputSlots: runtimeInputs.map { slot($0.name) },
                    outputNames: graph.outputs.map(\.name), outputTypes: outputTypes,
                    outputSlots: graph.outputs.map { slot($0.name) },
                    aliases: aliases, arena: arena, constants: keepAlive, valueTypes: types)
    }

    /// Runs a node whose inputs are all known now and returns its outputs as constants.
    private func fold(node: Node, prepared: Prepared, inputs: [Tensor?]) throws(EdgeError) -> [Tensor] {
        if let src = prepared.aliasesInput, let t = inputs[src] {
            return [try Tensor(dtype: prepared.outputTypes[0].dtype, shape: prepared.outputTypes[0].shape, storage: t.storage)]
        }
        let outputs = try prepared.outputTypes.map { (t) throws(EdgeError) in try Tensor(zeros: t.dtype, shape: t.shape) }
        let n = inputs.count + outputs.count
        let table = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: n + 1)
        defer { table.deallocate() }
        table.initialize(repeating: nil, count: n + 1)
        let ins = UnsafeMutablePointer<Int32>.allocate(capacity: max(inputs.count, 1))
        defer { ins.deallocate() }
        let outs = UnsafeMutablePointer<Int32>.allocate(capacity: max(outputs.count, 1))
        defer { outs.deallocate() }
        for (i, t) in inputs.enumerated() {
            table[i] = t?.storage.bytes
            ins[i] = Int32(i)
        }
        for (i, t) in outputs.enumerated() {
            table[inputs.count + i] = t.storage.bytes
            outs[i] = Int32(inputs.count + i)
        }
        let scratch = prepared.scratchBytes > 0 ? TensorStorage(byteCount: prepared.scratchBytes) : nil
        withExtendedLifetime((inputs, scratch)) {
            prepared.run(KernelIO(table: table, inputSlots: ins, outputSlots: outs, scratch: scratch?.bytes))
        }
        return outputs
    }
}
