import EdgeRuntime

enum Int4Quantization {
    static func apply(_ graph: Graph, group: Int) throws(EdgeError) -> StepResult {
        throw EdgeError(.unsupported, "int4 is not built yet")
    }
}
