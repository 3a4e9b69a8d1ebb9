/// Shape (with `start`/`end`, clamped) and Size: their int64 outputs depend only on the input's
/// type, so the plan compiler folds them to constants even when the input is a runtime value.
enum ShapeOps: OpDefinition {
    static let opTypes = ["Shape", "Size"]
    static var needsOnlyInputTypes: Bool { true }

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0)
        let values: [Int64]
        let shape: [Int]
        if ctx.node.op == "Size" {
            values = [Int64(x.count)]
            shape = []
        } else {
            let rank = x.rank
            func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
            let start = clamp(try ctx.attributes.int("start", default: 0))
            let end = clamp(try ctx.attributes.int("end", default: rank))
            values = start < end ? x.shape[start..<end].map { Int64($0) } : []
            shape = [values.count]
        }
        // Output values are known now; `run` (used only for folding) never reads the input.
        return Prepared(outputTypes: [TensorType(.int64, shape)]) { io in
            let out = io.output(0).assumingMemoryBound(to: Int64.self)
            for i in 0..<values.count { out[i] = values[i] }
        }
    }
}
