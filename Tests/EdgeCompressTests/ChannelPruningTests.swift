@testable import EdgeCompress
import EdgeRuntime
import EdgeTestSupport
import XCTest

final class ChannelPruningTests: XCTestCase {
    private let input: Tensor = { var rng = SeededRandom(seed: 21); return rng.tensor([1, 3, 12, 12]) }()

    func testPrunesConvBNDepthwiseAndGemmConsistently() throws {
        let g = try TestModels.cnn()
        let r = try ChannelPruning.apply(g, ratio: 0.5, norm: .l1)
        XCTAssertEqual(r.changes.filter(\.changed).map(\.node), ["conv1", "conv2", "conv3"])
        let p = r.graph.initializers
        XCTAssertEqual(p["w1"]?.shape, [4, 3, 3, 3]); XCTAssertEqual(p["b1"]?.shape, [4])
        for bn in ["bn_s", "bn_b", "bn_m", "bn_v"] { XCTAssertEqual(p[bn]?.shape, [4], bn) }
        XCTAssertEqual(p["wd"]?.shape, [4, 1, 3, 3]); XCTAssertEqual(p["bd"]?.shape, [4])
        XCTAssertEqual(try r.graph.nodes.first { $0.name == "dw" }?.attributes.int("group"), 4)
        XCTAssertEqual(p["w2"]?.shape, [8, 4, 1, 1])
        XCTAssertEqual(p["w3"]?.shape, [8, 8, 3, 3])
        XCTAssertEqual(p["wf"]?.shape, [10, 8])
        let out = try TestModels.run(r.graph, ["x": input])["logits"]!
        XCTAssertEqual(out.shape, [1, 10])
        XCTAssertLessThan(CostModel.parameterCount(r.graph), CostModel.parameterCount(g))
        // L2 picks by a different norm but must be just as consistent.
        let l2 = try ChannelPruning.apply(try GraphOptimizer.optimize(g), ratio: 0.3, norm: .l2)
        XCTAssertEqual(try TestModels.run(l2.graph, ["x": input])["logits"]?.shape, [1, 10])
    }

    func testRatioZeroIsIdentical() throws {
        let g = try TestModels.cnn()
        let r = try ChannelPruning.apply(g, ratio: 0, norm: .l1)
        XCTAssertTrue(r.changes.allSatisfy { !$0.changed })
        let a = try TestModels.run(g, ["x": input])["logits"]!, b = try TestModels.run(r.graph, ["x": input])["logits"]!
        XCTAssertEqual(a.scalars(as: Float.self), b.scalars(as: Float.self))
    }

    /// Channels whose filters, biases and BN shift are zero contribute nothing downstream, so
    /// removing exactly those (they have the smallest norm) must leave the outputs unchanged.
    func testRemovingDeadChannelsKeepsOutputs() throws {
        var g = try TestModels.cnn()
        func zero(_ name: String, channels: [Int]) {
            let t = g.initializers[name]!
            var v = t.scalars(as: Float.self)
            let size = v.count / t.shape[0]
            for c in channels { for i in c * size..<(c + 1) * size { v[i] = 0 } }
            g.initializers[name] = try! Tensor(v, shape: t.shape)
        }
        for n in ["w1", "b1", "bn_b", "bn_m", "bd"] { zero(n, channels: [1, 6]) }
        for n in ["w2", "b2", "w3", "b3"] { zero(n, channels: [0, 5, 9, 15]) }
        let r = try ChannelPruning.apply(g, ratio: 0.25, norm: .l1)
        XCTAssertEqual(r.graph.initializers["w1"]?.shape[0], 6)
        XCTAssertEqual(r.graph.initializers["w2"]?.shape[0], 12)
        XCTAssertEqual(r.graph.initializers["w3"]?.shape[0], 12)
        let a = try TestModels.run(g, ["x": input])["logits"]!, b = try TestModels.run(r.graph, ["x": input])["logits"]!
        XCTAssertTrue(allClose(a, b, rtol: 1e-5, atol: 1e-5), "\(maxDifference(a, b))")
    }

    func testResidualSEAndOutputChannelsAreSkipped() throws {
        let g = try TestModels.residualSE()
        let r = try ChannelPruning.apply(g, ratio: 0.5, norm: .l1)
        let byNode = Dictionary(uniqueKeysWithValues: r.changes.map { ($0.node, $0) })
        XCTAssertEqual(Set(byNode.keys), ["convA", "convB", "convC", "convD"])
        XCTAssertTrue(r.changes.allSatisfy { !$0.changed }, "\(r.changes)")
        XCTAssertTrue(byNode["convA"]!.detail.contains("Add"), byNode["convA"]!.detail)
        XCTAssertTrue(byNode["convB"]!.detail.contains("Add"), byNode["convB"]!.detail)
        XCTAssertTrue(byNode["convC"]!.detail.contains("Mul"), byNode["convC"]!.detail)
        XCTAssertTrue(byNode["convD"]!.detail.contains("graph output"), byNode["convD"]!.detail)
        for (name, t) in g.initializers { XCTAssertEqual(r.graph.initializers[name]?.shape, t.shape, name) }
        XCTAssertThrowsError(try Compressor.compress(g, steps: [.channelPrune(ratio: 0.5, norm: .l1)])) { e in
            XCTAssertTrue((e as? EdgeError)?.message.contains("nothing to compress") ?? false, "\(e)")
        }
    }
}
