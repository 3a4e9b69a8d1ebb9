import EdgeRuntime
import Foundation

/// Low-rank factorization: a layer y = x·M with constant M [K, N] (Gemm's op(B)·alpha, MatMul's
/// B, a 1×1 Conv's Wᵀ) becomes two thinner layers x·P·Q with P = U_r·√Σ_r [K, r] and
/// Q = √Σ_r·V_rᵀ [r, N] from the truncated SVD, i.e. the best rank-r approximation
/// (Eckart–Young: ‖M − PQ‖_F = √Σ_{i>r} σ_i²). A layer is only factored when r·(K + N) < K·N,
/// i.e. when it saves multiply-accumulates (unless `onlyWhenCheaper` is false, for tests).
public enum LowRankFactorization {
    public static func apply(_ graph: Graph, rank: RankSelection, onlyWhenCheaper: Bool = true) throws(EdgeError) -> StepResult {
        let index = GraphIndex(graph)
        var g = graph
        var nodes: [Node] = []
        var changes: [LayerChange] = []
        var candidates = 0
        for node in graph.nodes {
            guard let target = Target(node, index) else { nodes.append(node); continue }
            candidates += 1
            let svd = SVD(rowMajor: target.matrix, rows: target.k, cols: target.n)
            let r = chooseRank(svd.sigma, rank)
            let energy = svd.sigma.reduce(0) { $0 + $1 * $1 }
            let kept = svd.sigma.prefix(r).reduce(0) { $0 + $1 * $1 }
            let detail = "rank \(r) of \(svd.rank) ([\(target.k), \(target.n)]), energy kept \(String(format: "%.4f", energy > 0 ? kept / energy : 1))"
            guard !onlyWhenCheaper || r * (target.k + target.n) < target.k * target.n else {
                changes.append(LayerChange(node: node.name, op: node.op, detail: detail + ": not cheaper, left dense", changed: false))
                nodes.append(node)
                continue
            }
            nodes += target.factored(svd, rank: r, into: &g)
            changes.append(LayerChange(node: node.name, op: node.op, detail: detail, changed: true))
        }
        guard candidates > 0 else {
            throw EdgeError(.invalidInput, "nothing to factor: no Gemm, MatMul or 1×1 Conv has its own constant 2-D float32 weights")
        }
        g.nodes = nodes
        return StepResult(graph: g, changes: changes)
    }

    /// Rank for the singular values `sigma` (descending) under `selection`, at least 1.
    static func chooseRank(_ sigma: [Double], _ selection: RankSelection) -> Int {
        switch selection {
        case .ratio(let r):
            return max(1, min(sigma.count, Int((r * Double(sigma.count)).rounded())))
        case .energy(let e):
            let total = sigma.reduce(0) { $0 + $1 * $1 }
            var acc = 0.0
            for (i, s) in sigma.enumerated() {
                acc += s * s
                if acc >= e * total { return i + 1 }
            }
            return max(1, sigma.count)
        }
    }

    /// A factorable layer and its weight as M [K, N] (row-major, Double).
    struct Target {
        let node: Node
        let k: Int, n: Int
        let matrix: [Double]
        /// Trailing 1s of a 1×1 Conv kernel ([1, 1] for 2-D); empty otherwise.
        let kernelOnes: [Int]

        init?(_ node: Node, _ index: GraphIndex) {
            guard let w = index.privateWeight(node, 1), w.count > 0 else { return nil }
            let v = w.scalars(as: Float.self)
            self.node = node
            kernelOnes = node.op == "Conv" ? Array(w.shape.dropFirst(2)) : []
            switch node.op {
            case "Gemm":
                guard w.rank == 2, intAttribute(node, "transA", 0) == 0, let transB = intAttribute(node, "transB", 0),
                      let alpha = try? node.attributes.float("alpha", default: 1) else { return nil }
                k = transB != 0 ? w.shape[1] : w.shape[0]
                n = transB != 0 ? w.shape[0] : w.shape[1]
                var m = [Double](repeating: 0, count: k * n)
                for i in 0..<k { for j in 0..<n { m[i * n + j] = Double(alpha) * Double(transB != 0 ? v[j * k + i] : v[i * n + j]) } }
                matrix = m
            case "MatMul":
                guard w.rank == 2 else { return nil }
                (k, n) = (w.shape[0], w.shape[1])
                matrix = v.map(Double.init)
            case "Conv":
                guard w.rank >= 3, w.shape.dropFirst(2).allSatisfy({ $0 == 1 }), intAttribute(node, "group", 1) == 1 else { return nil }
                (k, n) = (w.shape[1], w.shape[0])
                var m = [Double](repeating: 0, count: k * n)
                for o in 0..<n { for i in 0..<k { m[i * n + o] = Double(v[o * k + i]) } }
                matrix = m
            default:
                return nil
            }
        }

        /// The two nodes replacing this one; adds their weights to `graph` (and drops the old).
        func factored(_ svd: SVD, rank r: Int, into graph: inout Graph) -> [Node] {
            var p = [Float](repeating: 0, count: k * r), q = [Float](repeating: 0, count: r * n)
            for j in 0..<r {
                let s = svd.sigma[j].squareRoot()
                for i in 0..<k { p[i * r + j] = Float(svd.u(i, j) * s) }
                for o in 0..<n { q[j * n + o] = Float(s * svd.v(o, j)) }
            }
            let mid = "\(node.outputs[0])_lowrank", pName = "\(node.inputs[1])_lr_a", qName = "\(node.inputs[1])_lr_b"
            graph.initializers[node.inputs[1]] = nil
            var first = node, second = node
            first.name = node.name + "_lr_a"
            first.outputs = [mid]
            second.name = node.name + "_lr_b"
            for key in ["activation", "activation_alpha", "activation_beta"] { first.attributes.values[key] = nil }
            switch node.op {
            case "Conv":
                // First: the original geometry (strides/pads) into r channels; second: plain 1×1.
                graph.initializers[pName] = Tensor.floats(transpose(p, rows: k, cols: r), [r, k] + kernelOnes)
                graph.initializers[qName] = Tensor.floats(transpose(q, rows: r, cols: n), [n, r] + kernelOnes)
                first.inputs = [node.inputs[0], pName]
                second.inputs = [mid, qName] + node.inputs.dropFirst(2)
                for key in ["strides", "pads", "auto_pad", "dilations", "kernel_shape"] { second.attributes.values[key] = nil }
                first.attributes.values["kernel_shape"] = nil
            case "Gemm":
                first.attributes.values = [:]
                second.attributes.values["transB"] = nil
                second.attributes.values["alpha"] = nil
                graph.initializers[pName] = Tensor.floats(p, [k, r])
                graph.initializers[qName] = Tensor.floats(q, [r, n])
                first.inputs = [node.inputs[0], pName]
                second.inputs = [mid, qName] + node.inputs.dropFirst(2)
            default: // MatMul
                graph.initializers[pName] = Tensor.floats(p, [k, r])
                graph.initializers[qName] = Tensor.floats(q, [r, n])
                first.inputs = [node.inputs[0], pName]
                second.inputs = [mid, qName]
            }
            return [first, second]
        }

    }
}

/// [rows, cols] row-major → [cols, rows] row-major.
func transpose(_ a: [Float], rows: Int, cols: Int) -> [Float] {
    var t = [Float](repeating: 0, count: a.count)
    for r in 0..<rows { for c in 0..<cols { t[c * rows + r] = a[r * cols + c] } }
    return t
}
