import EdgeRuntime

/// Group-wise symmetric int4 of a [rows, columns] matrix, groups of `group` along each row:
/// scale = max|w| / 7 per group (1 when all zero), q = clamp(round(w / scale), −8, 7) — the
/// same rule as `ek_q4_quantize`. Stored as ONNX Runtime's 4-bit blocks (see `Int4Blocks` in
/// EdgeRuntime): unsigned nibbles u = q + 8, two per byte (even element low), rows padded to
/// whole groups.
public struct Int4Matrix: Sendable {
    public let rows: Int, columns: Int, group: Int
    public private(set) var values: [Int8]
    public private(set) var scales: [Float]
    var blocks: Int { (columns + group - 1) / group }

    /// `w` is row-major [rows, columns].
    public init(_ w: [Float], rows: Int, columns: Int, group: Int) {
        (self.rows, self.columns, self.group) = (rows, columns, group)
        let blocks = (columns + group - 1) / group
        values = [Int8](repeating: 0, count: rows * columns)
        scales = [Float](repeating: 1, count: rows * blocks)
        for r in 0..<rows {
            for b in 0..<blocks {
                let range = (r * columns + b * group)..<(r * columns + min((b + 1) * group, columns))
                let m = w[range].reduce(Float(0)) { max($0, $1.isFinite ? abs($1) : 0) }
                let s: Float = m > 0 ? m / 7 : 1
                scales[r * blocks + b] = s
                for i in range { values[i] = Int8((w[i] / s).rounded(.toNearestOrEven).clamped(-8, 7)) }
            }
        }
    }

    /// value · scale of its group.
    public var dequantized: [Float] {
        (0..<rows * columns).map { i in Float(values[i]) * scales[(i / columns) * blocks + (i % columns) / group] }
    }

    /// Packed bytes [rows, blocks, group / 2].
    var packed: Tensor {
        let rowBytes = blocks * group / 2
        var bytes = [UInt8](repeating: 0x88, count: rows * rowBytes)
        for r in 0..<rows {
            for c in 0..<columns {
                let u = UInt8(Int(values[r * columns + c]) + 8), at = r * rowBytes + c / 2
                bytes[at] = c % 2 == 0 ? (bytes[at] & 0xF0) | u : (bytes[at] & 0x0F) | (u << 4)
            }
        }
        return try! Tensor(bytes, shape: [rows, blocks, group / 2])
    }
}

/// `--method int4`: weight-only group-wise int4 for Gemm / MatMul weights (→ MatMulNBits, run on
/// the int4 GEMM kernels) and Gather embedding tables (→ GatherBlockQuantized); activations stay
/// float. Both ops are ONNX Runtime contrib ops, so the exported model runs there too.
public enum Int4Quantization {
    public static func apply(_ graph: Graph, group: Int) throws(EdgeError) -> StepResult {
        var g = try ActivationSplit.apply(graph)
        let index = GraphIndex(g)
        var changes: [LayerChange] = []
        var names = Names(g)
        for i in g.nodes.indices {
            let node = g.nodes[i]
            guard ["Gemm", "MatMul", "Gather"].contains(node.op) else { continue }
            let result = node.op == "Gather" ? gather(node, index, group: group, names: &names)
                                             : matmul(node, index, group: group, names: &names)
            switch result {
            case .success(let (replacement, inits)):
                for (k, v) in inits { g.initializers[k] = v }
                for name in node.inputs.dropFirst() where node.op != "Gather" { g.initializers[name] = nil }
                if node.op == "Gather" { g.initializers[node.inputs[0]] = nil }
                g.nodes[i] = replacement
                changes.append(LayerChange(node: node.name, op: node.op, detail: "int4 weights, groups of \(group) → \(replacement.op)", changed: true))
            case .failure(let why):
                changes.append(LayerChange(node: node.name, op: node.op, detail: "kept float: \(why.reason)", changed: false))
            }
        }
        return StepResult(graph: g, changes: changes)
    }

    struct Skip: Error { var reason: String }
    typealias Replacement = Result<(Node, [(String, Tensor)]), Skip>

    /// Gemm (alpha 1, transA 0, 1-D bias with beta 1) or MatMul with a constant private 2-D weight.
    private static func matmul(_ node: Node, _ index: GraphIndex, group: Int, names: inout Names) -> Replacement {
        guard let w = index.privateWeight(node, 1), w.rank == 2 else { return .failure(Skip(reason: "weight is not a private constant 2-D float tensor")) }
        var transB = false
        var bias: Tensor? = nil
        if node.op == "Gemm" {
            guard intAttribute(node, "transA", 0) == 0, (try? node.attributes.float("alpha", default: 1)) == 1 else {
                return .failure(Skip(reason: "Gemm with transA or alpha ≠ 1"))
            }
            transB = intAttribute(node, "transB", 0) != 0
            if node.inputs.count > 2, !node.inputs[2].isEmpty {
                guard let b = index.privateWeight(node, 2), b.rank == 1, (try? node.attributes.float("beta", default: 1)) == 1 else {
                    return .failure(Skip(reason: "bias is not a private 1-D constant with beta 1"))
                }
                bias = b
            }
        }
        let (k, n) = transB ? (w.shape[1], w.shape[0]) : (w.shape[0], w.shape[1])
        guard bias == nil || bias!.count == n else { return .failure(Skip(reason: "bias length differs from N")) }
        let f = (try? w.floatValues()) ?? []
        // MatMulNBits stores Bᵀ: rows = output columns n, groups along K.
        let rowsNK = transB ? f : (0..<n * k).map { f[($0 % k) * n + $0 / k] }
        let q = Int4Matrix(rowsNK, rows: n, columns: k, group: group)
        let base = node.inputs[1]
        let bq = names.fresh("\(base)_int4"), sc = names.fresh("\(base)_int4_scales")
        var inits: [(String, Tensor)] = [(bq, q.packed), (sc, try! Tensor(q.scales, shape: [n * q.blocks]))]
        var out = Node(name: node.name, op: "MatMulNBits", inputs: [node.inputs[0], bq, sc], outputs: node.outputs,
                       attributes: ["K": .int(k), "N": .int(n), "bits": .int(4), "block_size": .int(group)])
        if let bias {
            let bn = names.fresh("\(base)_bias")
            inits.append((bn, bias))
            out.inputs += ["", "", bn]
        }
        return .success((out, inits))
    }

    /// Gather on axis 0 of a constant private [rows, D] float table with D a multiple of the group.
    private static func gather(_ node: Node, _ index: GraphIndex, group: Int, names: inout Names) -> Replacement {
        guard node.inputs.count == 2, let t = index.graph.initializers[node.inputs[0]], t.dtype == .float32, t.rank == 2,
              index.consumers[node.inputs[0]]?.count == 1, intAttribute(node, "axis", 0) == 0 else {
            return .failure(Skip(reason: "not an axis-0 Gather from a private constant 2-D float table"))
        }
        guard t.shape[1] % group == 0 else { return .failure(Skip(reason: "row length \(t.shape[1]) is not a multiple of the group \(group)")) }
        let q = Int4Matrix((try? t.floatValues()) ?? [], rows: t.shape[0], columns: t.shape[1], group: group)
        let dq = names.fresh("\(node.inputs[0])_int4"), sc = names.fresh("\(node.inputs[0])_int4_scales")
        let packed = try! q.packed.reshaped([t.shape[0], t.shape[1] / 2])
        let out = Node(name: node.name, op: "GatherBlockQuantized", inputs: [dq, node.inputs[1], sc], outputs: node.outputs,
                       attributes: ["bits": .int(4), "block_size": .int(group), "gather_axis": .int(0), "quantize_axis": .int(1)])
        return .success((out, [(dq, packed), (sc, try! Tensor(q.scales, shape: [t.shape[0], q.blocks]))]))
    }
}
