import EdgeRuntime

/// Turns a trained network into an EdgeRuntime model (eval semantics: running batch-norm
/// statistics, no dropout). Only layers that feed a named output are exported, so training-only
/// branches (feature-hint adapters) stay out. The graph optimiser then folds batch norms into
/// the convolutions and fuses activations, exactly as `import` does for ONNX models.
extension TrainGraph {
    public func exportGraph(optimize: Bool = true) throws(EdgeError) -> Graph {
        guard !outputs.isEmpty else { throw EdgeError(.invalidGraph, "the network has no outputs") }
        var live = Set(outputs.map(\.id))
        for (i, step) in steps.enumerated().reversed() where live.contains(inputs.count + i) {
            live.formUnion(step.inputs)
        }
        var names = [Int: String]()
        for (i, input) in inputs.enumerated() { names[i] = input.name }
        for (name, id) in outputs where names[id] == nil { names[id] = name }
        let builder = GraphBuilder()
        for (i, step) in steps.enumerated() where live.contains(inputs.count + i) {
            let id = inputs.count + i
            let out = names[id] ?? "\(step.layer.name).out"
            names[id] = out
            try step.layer.export(step.inputs.map { names[$0]! }, output: out, into: builder)
        }
        let ins = inputs.enumerated().filter { live.contains($0.offset) }.map { _, input in
            ValueInfo(name: input.name, dtype: input.integer ? .int64 : .float32, shape: [.symbolic("N")] + input.shape.map { Dim.fixed($0) })
        }
        var outs = [ValueInfo]()
        for (name, id) in outputs {
            // An output that is another output's value or a graph input needs its own node.
            if names[id] != name {
                builder.node("Identity", name: "\(name).identity", inputs: [names[id]!], output: name)
            }
            outs.append(ValueInfo(name: name, dtype: .float32, shape: [.symbolic("N")] + shape(of: id).map { Dim.fixed($0) }))
        }
        builder.setInputs(ins, outputs: outs)
        var graph = builder.graph
        if optimize { graph = try GraphOptimizer.optimize(graph) }
        return graph
    }

    /// Exports and writes a `.edge` file with `metadata`.
    public func writeModel(to path: String, metadata: ModelMetadata) throws(EdgeError) {
        try ModelFile.write(Model(graph: try exportGraph(), metadata: metadata), to: path)
    }
}
