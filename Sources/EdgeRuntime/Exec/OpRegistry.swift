/// Maps ONNX op type names to their implementations.
public enum OpRegistry {
    /// Every op definition the engine ships. Add new ops here.
    nonisolated(unsafe) static let definitions: [any OpDefinition.Type] = allOps

    /// Op type → definition.
    nonisolated(unsafe) public static let byType: [String: any OpDefinition.Type] = {
        var map: [String: any OpDefinition.Type] = [:]
        for def in definitions {
            for type in def.opTypes {
                precondition(map[type] == nil, "op type \(type) registered twice")
                map[type] = def
            }
        }
        return map
    }()

    /// Sorted list of supported op types.
    public static var supportedOps: [String] { byType.keys.sorted() }

    public static func definition(for op: String) -> (any OpDefinition.Type)? { byType[op] }

    /// Names every node of `graph` whose op is not implemented, as one clear error.
    public static func checkSupported(_ graph: Graph) throws(EdgeError) {
        let missing = graph.nodes.filter { byType[$0.op] == nil }
        guard !missing.isEmpty else { return }
        let ops = Set(missing.map(\.op)).sorted()
        let nodes = missing.prefix(20).map { "'\($0.name)' (\($0.op))" }.joined(separator: ", ")
        let more = missing.count > 20 ? " and \(missing.count - 20) more" : ""
        throw EdgeError(.unsupportedOperator, "unsupported operator(s) \(ops.joined(separator: ", ")) used by node(s) \(nodes)\(more)")
    }
}
