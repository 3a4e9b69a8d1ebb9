import EdgeRuntime
import XCTest
@testable import EdgeTrain

/// Finite-difference gradient checks of every layer (see GradCheck for eps and tolerances).
final class LayerGradientTests: XCTestCase {
    private func single(_ shape: [Int], _ make: (inout SplitMix64, TrainGraph, TValue) throws -> TValue) throws -> (TrainGraph, Int) {
        let g = TrainGraph()
        var rng = SplitMix64(seed: 3)
        let x = g.input("x", shape: shape)
        let y = try make(&rng, g, x)
        g.output("y", y)
        return (g, y.id)
    }

    /// Gives biases and BN parameters non-trivial values so their gradients are exercised.
    private func perturb(_ g: TrainGraph) {
        var rng = SplitMix64(seed: 11)
        for p in g.parameters where !p.decays { for i in 0..<p.count { p.value[i] += rng.uniform() - 0.5 } }
    }

    func testConvDenseStridePadDilation() throws {
        for (stride, dilation, kernel) in [(1, 1, (3, 3)), (2, 1, (3, 3)), (1, 2, (3, 3)), (2, 1, (5, 3)), (1, 1, (1, 1))] {
            let (g, out) = try single([3, 7, 6]) { rng, g, x in
                try g.add(Conv2D(name: "c", inChannels: 3, outChannels: 4, kernel: kernel, stride: stride, dilation: dilation, rng: &rng), [x])
            }
            perturb(g)
            try GradCheck.check(g, feeds: [GradCheck.random([2, 3, 7, 6], seed: 1)], output: out)
        }
    }

    func testConvGroupedAndDepthwise() throws {
        for (groups, outC, stride) in [(2, 4, 1), (4, 4, 1), (4, 4, 2), (4, 8, 1)] {
            let (g, out) = try single([4, 6, 7]) { rng, g, x in
                try g.add(Conv2D(name: "c", inChannels: 4, outChannels: outC, kernel: (3, 3), stride: stride, groups: groups, rng: &rng), [x])
            }
            perturb(g)
            try GradCheck.check(g, feeds: [GradCheck.random([3, 4, 6, 7], seed: 2)], output: out)
        }
    }

    func testLinear() throws {
        let (g, out) = try single([5]) { rng, g, x in try g.add(Linear(name: "fc", inFeatures: 5, outFeatures: 3, rng: &rng), [x]) }
        perturb(g)
        try GradCheck.check(g, feeds: [GradCheck.random([4, 5], seed: 3)], output: out)
    }

    func testBatchNormTrainAndEval() throws {
        for training in [true, false] {
            for shape in [[3, 4, 5], [6]] {
                let (g, out) = try single(shape) { _, g, x in try g.add(BatchNorm(name: "bn", channels: shape[0]), [x]) }
                perturb(g)
                let bn = g.layers[0] as! BatchNorm
                bn.runningVar.value = bn.runningVar.value.map { $0 + 0.5 }
                try GradCheck.check(g, feeds: [GradCheck.random([4] + shape, seed: 4)], output: out, training: training)
            }
        }
    }

    func testActivations() throws {
        for kind in ActivationKind.allCases {
            let (g, out) = try single([2, 3, 4]) { _, g, x in try g.add(Activation(name: "a", kind: kind), [x]) }
            var x = GradCheck.random([2, 2, 3, 4], seed: 5, lo: -8, hi: 8, awayFromZero: 0.05)
            // Keep away from the ReLU6 and HardSwish kinks at 6 and ±3.
            x.data = x.data.map { v in [3, -3, 6].contains { abs(abs(v) - $0) < 0.05 } ? v + 0.2 : v }
            try GradCheck.check(g, feeds: [x], output: out)
        }
    }

    func testPooling() throws {
        for (isMax, kernel, stride, pad) in [(true, 2, 2, 0), (true, 3, 2, 1), (false, 2, 2, 0), (false, 3, 1, 1)] {
            let (g, out) = try single([2, 5, 6]) { _, g, x in
                try g.add(Pool2D(name: "p", max: isMax, kernel: kernel, stride: stride, pad: pad), [x])
            }
            // Distinct values spaced well beyond eps so the max-pool argmax never flips.
            var x = TTensor(shape: [2, 2, 5, 6])
            var order = Array(0..<x.count)
            var rng = SplitMix64(seed: 6)
            rng.shuffle(&order)
            for (i, o) in order.enumerated() { x.data[i] = Float(o) * 0.05 - 3 }
            try GradCheck.check(g, feeds: [x], output: out)
        }
        let (g, out) = try single([3, 4, 5]) { _, g, x in try g.add(GlobalAvgPool(name: "gap"), [x]) }
        try GradCheck.check(g, feeds: [GradCheck.random([2, 3, 4, 5], seed: 7)], output: out)
    }

    func testAddConcatReshapeUpsampleScaleDropout() throws {
        let g = TrainGraph()
        var rng = SplitMix64(seed: 8)
        let a = g.input("a", shape: [2, 3, 3])
        let b = g.input("b", shape: [2, 3, 3])
        let s = try g.add(AddLayer(name: "add"), [a, b])
        let c = try g.add(ConcatLayer(name: "cat"), [s, a])
        let u = try g.add(Upsample2x(name: "up"), [c])
        let k = try g.add(ScaleLayer(name: "scale", factor: 1.5), [u])
        let d = try g.add(Dropout(name: "drop", rate: 0.3), [k])
        let f = try g.add(ReshapeLayer(name: "flat"), [d])
        let y = try g.add(Linear(name: "fc", inFeatures: 4 * 6 * 6, outFeatures: 2, rng: &rng), [f])
        g.output("y", y)
        try GradCheck.check(g, feeds: [GradCheck.random([2, 2, 3, 3], seed: 9), GradCheck.random([2, 2, 3, 3], seed: 10)], output: y.id)
    }

    func testEmbedding() throws {
        let g = TrainGraph()
        var rng = SplitMix64(seed: 12)
        let ids = g.input("ids", shape: [2], integer: true)
        let e = try g.add(Embedding(name: "emb", cardinalities: [3, 5], dimension: 4, rng: &rng), [ids])
        g.output("y", e)
        try GradCheck.check(g, feeds: [TTensor(shape: [3, 2], data: [0, 4, 2, 1, 0, 4])], output: e.id)
    }
}
