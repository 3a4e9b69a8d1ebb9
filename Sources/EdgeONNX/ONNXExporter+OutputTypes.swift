import EdgeRuntime

extension ONNXExporter {
    /// Graph outputs with a declared shape for each: onnx.checker requires one on graph
    /// outputs, and graphs built in code often leave it (and sometimes the dtype) unset.
    ///
    /// Only when some output has no shape, the graph is compiled once for its declared input
    /// shapes (symbolic dimensions = 1) and the plan's output types fill the gaps: exact dims
    /// when every input dimension is fixed, otherwise the rank with unnamed dims. If the graph
    /// cannot be compiled, the outputs are left as declared (ONNX Runtime accepts that).
    static func completedOutputs(_ graph: Graph) -> [ValueInfo] {
        guard graph.outputs.contains(where: { $0.shape == nil }) else { return graph.outputs }
        let inputs = graph.runtimeInputs
        guard inputs.allSatisfy({ $0.shape != nil }) else { return graph.outputs }
        let allFixed = inputs.allSatisfy { $0.shape!.allSatisfy { $0.value != nil } }
        guard let session = try? InferenceSession(graph: graph, options: SessionOptions(optimize: false)),
              let feeds = try? inputs.map({ (info) throws(EdgeError) in
                  try Tensor(zeros: info.dtype, shape: info.shape!.map { $0.value ?? 1 })
              }),
              let plan = try? session.plan(for: feeds)
        else { return graph.outputs }
        return zip(graph.outputs, plan.outputTypes).map { declared, actual in
            var info = declared
            info.dtype = actual.dtype
            if info.shape == nil {
                info.shape = actual.shape.map { allFixed ? .fixed($0) : .symbolic("") }
            }
            return info
        }
    }
}
