/// 256-entry tables of element-wise 8-bit subgraphs, shared by `QDQLookup` and `QLookupComposition`.
///
/// A table is computed by running the subgraph itself on the engine (an unoptimized session, so
/// exactly the kernels of the unfused graph) for all 256 values of its one 8-bit input: every
/// node in it must be element-wise and position independent, so the lookup gives, for every
/// element, exactly what the subgraph gives.
enum LookupTable {
    /// The 256 output values of `nodes` (input `input` of `inputType`, output `output` of
    /// `outputType`, constants taken from `initializers`), or nil when the engine cannot run them
    /// or they do not give 256 8-bit values of `outputType`.
    static func evaluate(nodes: [Node], input: String, inputType: DType, output: String, outputType: DType,
                         initializers: [String: Tensor]) -> Tensor? {
        guard [DType.uint8, .int8].contains(inputType), [DType.uint8, .int8].contains(outputType) else { return nil }
        var tiny = Graph(name: "lookup")
        tiny.inputs = [ValueInfo(name: input, dtype: inputType, shape: [.fixed(256)])]
        for name in nodes.flatMap(\.inputs) where !name.isEmpty && name != input {
            guard let t = initializers[name] else { continue }
            tiny.initializers[name] = t
        }
        tiny.nodes = nodes
        tiny.outputs = [ValueInfo(name: output, dtype: outputType, shape: nil)]
        let all = inputType == .uint8 ? try? Tensor((0...255).map { UInt8($0) }, shape: [256])
                                      : try? Tensor((0...255).map { Int8(truncatingIfNeeded: $0) }, shape: [256])
        guard let all, let session = try? InferenceSession(graph: tiny, options: SessionOptions(threads: 1, optimize: false)),
              let out = try? session.run([all]).first, out.dtype == outputType, out.count == 256 else { return nil }
        return out
    }
}
