@testable import EdgeCompress
import EdgeRuntime
import EdgeTestSupport
import XCTest

final class LowRankTests: XCTestCase {
    private func macs(_ g: Graph, _ feeds: [String: Tensor]) throws -> Int {
        let s = try InferenceSession(graph: g)
        return CostModel.macs(of: try s.plan(for: s.inputs.map { feeds[$0.name]! }))
    }

    /// Largest |a − b| relative to the largest |b|.
    private func relError(_ a: Tensor, _ b: Tensor) -> Float {
        maxDifference(a, b).abs / max(b.scalars(as: Float.self).map(abs).max() ?? 1, 1e-6)
    }

    func testFullRankReproducesOutputs() throws {
        var rng = SeededRandom(seed: 31)
        let mlp = try TestModels.mlp(), x = rng.tensor([4, 48])
        let r = try LowRankFactorization.apply(mlp, rank: .ratio(1), onlyWhenCheaper: false)
        XCTAssertEqual(r.changes.filter(\.changed).count, 2)
        XCTAssertEqual(r.graph.nodes.count, 5)
        let a = try TestModels.run(r.graph, ["x": x])["y"]!, b = try TestModels.run(mlp, ["x": x])["y"]!
        XCTAssertLessThanOrEqual(relError(a, b), 1e-4)
        // 1×1 Conv (conv2) and Gemm (fc) of the CNN.
        let cnn = try TestModels.cnn(), img = rng.tensor([1, 3, 12, 12])
        let rc = try LowRankFactorization.apply(cnn, rank: .ratio(1), onlyWhenCheaper: false)
        XCTAssertEqual(Set(rc.changes.filter(\.changed).map(\.node)), ["conv2", "fc"])
        let c = try TestModels.run(rc.graph, ["x": img])["logits"]!, d = try TestModels.run(cnn, ["x": img])["logits"]!
        XCTAssertLessThanOrEqual(relError(c, d), 1e-4)
    }

    func testReducedRankCutsMACsWithinTheEckartYoungBound() throws {
        // One Gemm layer Y = X·Wᵀ: ‖Y − Y_r‖_F ≤ ‖X‖_F · ‖W − W_r‖_F = ‖X‖_F · √Σ_{i≥r} σ_i².
        var rng = SeededRandom(seed: 32)
        let k = 64, n = 48
        var g = Graph(name: "fc")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(8), .fixed(k)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        let w = rng.tensor([n, k])
        g.initializers["w"] = w
        g.nodes = [Node(name: "fc", op: "Gemm", inputs: ["x", "w"], outputs: ["y"], attributes: ["transB": .int(1)])]
        let x = rng.tensor([8, k])
        let r = try LowRankFactorization.apply(g, rank: .ratio(0.25))
        XCTAssertLessThan(try macs(r.graph, ["x": x]), try macs(g, ["x": x]) / 2)
        let svd = SVD(rowMajor: w.scalars(as: Float.self).map(Double.init), rows: n, cols: k)
        let rank = LowRankFactorization.chooseRank(svd.sigma, .ratio(0.25))
        XCTAssertEqual(rank, 12)
        let discarded = svd.sigma[rank...].reduce(0) { $0 + $1 * $1 }.squareRoot()
        let y = try TestModels.run(g, ["x": x])["y"]!.scalars(as: Float.self)
        let yr = try TestModels.run(r.graph, ["x": x])["y"]!.scalars(as: Float.self)
        let err = zip(y, yr).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }.squareRoot()
        let xNorm = x.scalars(as: Float.self).reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
        XCTAssertLessThanOrEqual(err, xNorm * discarded * (1 + 1e-4))
        XCTAssertGreaterThan(err, 0)
        // The factors themselves reach the optimum: ‖W − PQ‖_F = √Σ discarded σ².
        let p = r.graph.initializers["w_lr_a"]!.scalars(as: Float.self), q = r.graph.initializers["w_lr_b"]!.scalars(as: Float.self)
        var werr = 0.0
        for i in 0..<k {
            for j in 0..<n {
                let approx = (0..<rank).reduce(0.0) { $0 + Double(p[i * rank + $1]) * Double(q[$1 * n + j]) }
                let d = approx - Double(w.scalars(as: Float.self)[j * k + i])
                werr += d * d
            }
        }
        XCTAssertEqual(werr.squareRoot(), discarded, accuracy: 1e-4 * discarded)
    }

    func testEnergySelectionAndSkipsLayersThatWouldGrow() throws {
        XCTAssertEqual(LowRankFactorization.chooseRank([3, 2, 1], .energy(0.9)), 2)   // 13/14 ≥ 0.9
        XCTAssertEqual(LowRankFactorization.chooseRank([3, 2, 1], .energy(0.5)), 1)   // 9/14
        XCTAssertEqual(LowRankFactorization.chooseRank([3, 2, 1], .ratio(0.01)), 1)
        // At ratio 0.9 no MLP layer gets cheaper: reported, left dense.
        let r = try LowRankFactorization.apply(try TestModels.mlp(), rank: .ratio(0.9))
        XCTAssertTrue(r.changes.allSatisfy { !$0.changed && $0.detail.contains("not cheaper") })
    }
}
