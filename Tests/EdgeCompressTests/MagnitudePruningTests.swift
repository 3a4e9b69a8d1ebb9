@testable import EdgeCompress
import EdgeRuntime
import EdgeTestSupport
import XCTest

final class MagnitudePruningTests: XCTestCase {
    private func zeros(_ t: Tensor) -> Int { t.scalars(as: Float.self).filter { $0 == 0 }.count }

    func testLayerScopeReachesTheSparsityOfEveryLayer() throws {
        let g = try TestModels.cnn()
        let r = try MagnitudePruning.apply(g, sparsity: 0.8, scope: .layer)
        // conv1, conv2, conv3, fc — not the depthwise conv.
        XCTAssertEqual(Set(r.changes.map(\.node)), ["conv1", "conv2", "conv3", "fc"])
        for name in ["w1", "w2", "w3", "wf"] {
            let t = r.graph.initializers[name]!
            XCTAssertEqual(zeros(t), Int(0.8 * Double(t.count)), name)
            // Every survivor is at least as large as every pruned original weight.
            let before = g.initializers[name]!.scalars(as: Float.self), after = t.scalars(as: Float.self)
            let largestPruned = zip(before, after).filter { $1 == 0 }.map { abs($0.0) }.max() ?? 0
            let smallestKept = after.filter { $0 != 0 }.map(abs).min() ?? .infinity
            XCTAssertLessThanOrEqual(largestPruned, smallestKept, name)
        }
        XCTAssertEqual(r.graph.initializers["wd"]?.scalars(as: Float.self), g.initializers["wd"]?.scalars(as: Float.self))
    }

    func testGlobalScopeReachesTheSparsityOverall() throws {
        let g = try TestModels.cnn()
        let r = try MagnitudePruning.apply(g, sparsity: 0.6, scope: .global)
        let names = ["w1", "w2", "w3", "wf"]
        let total = names.reduce(0) { $0 + g.initializers[$1]!.count }
        XCTAssertEqual(names.reduce(0) { $0 + zeros(r.graph.initializers[$1]!) }, Int(0.6 * Double(total)))
        // One threshold: the largest pruned magnitude anywhere ≤ the smallest kept anywhere.
        var pruned: Float = 0, kept: Float = .infinity
        for n in names {
            for (b, a) in zip(g.initializers[n]!.scalars(as: Float.self), r.graph.initializers[n]!.scalars(as: Float.self)) {
                if a == 0 { pruned = max(pruned, abs(b)) } else { kept = min(kept, abs(a)) }
            }
        }
        XCTAssertLessThanOrEqual(pruned, kept)
        // Per-layer sparsities differ (that is the point of global scope) but are reported.
        XCTAssertEqual(r.changes.count, 4)
    }

    /// The pruned graph (sparse kernels at ≥ 50 % zeros) computes what the dense graph with the
    /// same zeroed weights computes: the zeros are given to a session as runtime inputs, which
    /// forces the dense path.
    func testPrunedModelMatchesDenseModelWithZeros() throws {
        let g = try TestModels.cnn()
        var rng = SeededRandom(seed: 9)
        let x = rng.tensor([1, 3, 12, 12])
        for sparsity in [0.3, 0.8, 0.95] {
            let pruned = try MagnitudePruning.apply(g, sparsity: sparsity, scope: .layer).graph
            var dense = pruned
            var feeds = ["x": x]
            for name in ["w1", "w2", "w3", "wf"] {
                let t = dense.initializers.removeValue(forKey: name)!
                dense.inputs.append(ValueInfo(name: name, dtype: .float32, shape: t.shape.map { .fixed($0) }))
                feeds[name] = t
            }
            let a = try TestModels.run(pruned, ["x": x])["logits"]!, b = try TestModels.run(dense, feeds)["logits"]!
            XCTAssertTrue(allClose(a, b, rtol: 1e-4, atol: 1e-5), "sparsity \(sparsity): \(maxDifference(a, b))")
        }
    }

    func testNothingToPruneIsAClearError() throws {
        var g = Graph(name: "relu")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(4)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.nodes = [Node(name: "r", op: "Relu", inputs: ["x"], outputs: ["y"])]
        XCTAssertThrowsError(try MagnitudePruning.apply(g, sparsity: 0.5, scope: .layer)) { e in
            XCTAssertEqual((e as? EdgeError)?.code, .invalidInput)
            XCTAssertTrue((e as? EdgeError)?.message.contains("nothing to prune") ?? false)
        }
        XCTAssertThrowsError(try Compressor.compress(g, steps: [.lowRank(.ratio(0.5))])) { e in
            XCTAssertTrue((e as? EdgeError)?.message.contains("nothing to factor") ?? false, "\(e)")
        }
    }
}
