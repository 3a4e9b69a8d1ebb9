import XCTest
import EdgeRuntime
@testable import EdgeTrain

/// Batch norm → ReLU/ReLU6 fusion in `TrainGraph`: applied only when the batch-norm value has a
/// single reader and is not a named output, and bit-identical to the unfused pair (forward values,
/// input and parameter gradients) in train and eval mode.
final class FusionTests: XCTestCase {
    /// x → BN → act (→ y); `exposeBN` also names the BN value as an output, which blocks the fusion.
    private func graph(_ kind: ActivationKind, exposeBN: Bool) throws -> (TrainGraph, bn: TValue, y: TValue) {
        let g = TrainGraph()
        let x = g.input("x", shape: [3, 5, 4])
        let bn = try g.add(BatchNorm(name: "bn", channels: 3), [x])
        let y = try g.add(Activation(name: "act", kind: kind), [bn])
        g.output("y", y)
        if exposeBN { g.output("bn", bn) }
        var rng = SplitMix64(seed: 5)
        for p in g.parameters { for i in 0..<p.count { p.value[i] += rng.uniform() - 0.5 } }
        return (g, bn, y)
    }

    func testFusedEqualsUnfused() throws {
        let pool = ComputePool(threads: 2)
        for kind in [ActivationKind.relu, .relu6] {
            for training in [true, false] {
                let (fused, _, fy) = try graph(kind, exposeBN: false)
                let (plain, _, py) = try graph(kind, exposeBN: true)
                var x = GradCheck.random([4, 3, 5, 4], seed: 9, lo: -4, hi: 9)
                x.data[0] = 0
                let seed = GradCheck.random([4, 3, 5, 4], seed: 10)
                var results: [([TTensor], [TTensor?], [[Float]])] = []
                for g in [fused, plain] {
                    let ctx = RunContext(training: training, pool: pool)
                    let values = try g.forward([x], ctx)
                    g.zeroGrad()
                    let dx = g.backward(values, seeds: [g === fused ? fy.id : py.id: seed], ctx)
                    results.append((values, dx, g.parameters.map(\.grad)))
                }
                XCTAssertNotNil((fused.layers[0] as! BatchNorm).fusedClamp, "\(kind): single-reader BN must be fused")
                XCTAssertNil((plain.layers[0] as! BatchNorm).fusedClamp, "\(kind): a named BN value must not be fused")
                XCTAssertEqual(results[0].0[fy.id], results[1].0[py.id], "\(kind) training=\(training): activation output")
                XCTAssertEqual(results[0].1[0], results[1].1[0], "\(kind) training=\(training): input gradient")
                XCTAssertEqual(results[0].2, results[1].2, "\(kind) training=\(training): parameter gradients")
                XCTAssertTrue(results[0].0[fy.id].data.allSatisfy { $0 >= 0 && (kind == .relu || $0 <= 6) })
            }
        }
    }

    func testSecondReaderOrOtherKindBlocksFusion() throws {
        let g = TrainGraph()
        let x = g.input("x", shape: [2, 3, 3])
        let bn = try g.add(BatchNorm(name: "bn", channels: 2), [x])
        let a = try g.add(Activation(name: "relu", kind: .relu), [bn])
        g.output("y", try g.add(AddLayer(name: "add"), [a, bn]))
        let bn2 = try g.add(BatchNorm(name: "bn2", channels: 2), [x])
        g.output("z", try g.add(Activation(name: "sig", kind: .sigmoid), [bn2]))
        _ = try g.forward([GradCheck.random([2, 2, 3, 3], seed: 1)], RunContext(training: true, pool: ComputePool(threads: 1)))
        XCTAssertNil((g.layers[0] as! BatchNorm).fusedClamp, "BN read by the add as well")
        XCTAssertNil((g.layers[3] as! BatchNorm).fusedClamp, "sigmoid is not a clamp")
    }
}
