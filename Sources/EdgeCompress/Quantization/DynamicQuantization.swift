import EdgeRuntime

enum DynamicQuantization {
    static func apply(_ graph: Graph, perChannel: Bool) throws(EdgeError) -> StepResult {
        throw EdgeError(.unsupported, "int8-dynamic is not built yet")
    }
}
