import EdgeRuntime
import XCTest
@testable import EdgeTrain

/// End-to-end: a tiny run on separable synthetic data, determinism, checkpoints, export parity.
final class TrainingTests: XCTestCase {
    /// Two classes of 1×8×8 images: a bright blob in the upper or the lower half, plus noise.
    static func blobs(_ n: Int, seed: UInt64) -> TrainingData {
        var rng = SplitMix64(seed: seed)
        var x = TTensor(shape: [n, 1, 8, 8])
        var labels = [Int]()
        for i in 0..<n {
            let c = i % 2
            labels.append(c)
            for k in 0..<64 {
                let row = k / 8
                x.data[i * 64 + k] = rng.normal() * 0.3 + ((row < 4) == (c == 0) ? 1 : 0)
            }
        }
        return TrainingData(inputs: [x], labels: labels)
    }

    private func config(epochs: Int, seed: UInt64 = 3) -> TrainConfig {
        var c = TrainConfig()
        c.epochs = epochs
        c.batchSize = 16
        c.learningRate = 0.01
        c.warmupSteps = 2
        c.seed = seed
        return c
    }

    func testTinyRunLossFallsAccuracyRises() throws {
        let net = try Network.smallCNN(inputShape: [1, 8, 8], classes: 2, seed: 5)
        let trainer = Trainer(network: net, objective: .classification(smoothing: 0), config: config(epochs: 6))
        let reports = try trainer.fit(Self.blobs(128, seed: 1), validation: Self.blobs(64, seed: 2))
        XCTAssertLessThan(reports.last!.loss, reports.first!.loss * 0.6, "loss \(reports.map(\.loss))")
        XCTAssertGreaterThan(reports.last!.validationAccuracy!, 0.95)
        XCTAssertGreaterThan(reports.last!.trainAccuracy!, reports.first!.trainAccuracy!)
    }

    func testSameSeedSameWeights() throws {
        func train(_ seed: UInt64) throws -> [[Float]] {
            let net = try Network.smallCNN(inputShape: [1, 8, 8], classes: 2, seed: 5)
            try Trainer(network: net, objective: .classification(smoothing: 0.1), config: config(epochs: 2, seed: seed)).fit(Self.blobs(64, seed: 1))
            return net.graph.state.map(\.value)
        }
        XCTAssertEqual(try train(3), try train(3))
        XCTAssertNotEqual(try train(3), try train(4))
    }

    func testCheckpointRoundTripAndCorruption() throws {
        let dir = NSTemporaryDirectory() + "edgetrain-ckpt-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = config(epochs: 1)
        c.checkpointDirectory = dir
        let net = try Network.smallCNN(inputShape: [1, 8, 8], classes: 2, seed: 5)
        let trainer = Trainer(network: net, objective: .classification(smoothing: 0), config: c)
        try trainer.fit(Self.blobs(32, seed: 1))
        let path = dir + "/last.ckpt"

        let fresh = try Network.smallCNN(inputShape: [1, 8, 8], classes: 2, seed: 9)
        let opt = Optimizer(c.optimizer)
        let progress = try Checkpoint.load(from: path, state: fresh.graph.state, optimizer: opt)
        XCTAssertEqual(progress, Checkpoint.Progress(step: trainer.optimizer.stepCount, epoch: 1))
        XCTAssertEqual(fresh.graph.state.map(\.value), net.graph.state.map(\.value))
        XCTAssertEqual(opt.slots, trainer.optimizer.slots)

        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path)).map { $0 }
        let other = try Network.smallCNN(inputShape: [1, 8, 8], classes: 3, seed: 5)
        let cases: [(String, [UInt8], [Parameter], OptimizerKind)] = [
            ("truncated", Array(bytes.dropLast(7)), fresh.graph.state, c.optimizer),
            ("flipped byte", { var b = bytes; b[b.count / 2] ^= 0x40; return b }(), fresh.graph.state, c.optimizer),
            ("bad magic", [UInt8](repeating: 0, count: 64), fresh.graph.state, c.optimizer),
            ("empty", [], fresh.graph.state, c.optimizer),
            ("other architecture", bytes, other.graph.state, c.optimizer),
            ("other optimizer", bytes, fresh.graph.state, .sgd(momentum: 0.9, nesterov: false)),
        ]
        let before = fresh.graph.state.map(\.value)
        for (why, data, state, kind) in cases {
            XCTAssertThrowsError(try Checkpoint.decode(data, into: state, optimizer: Optimizer(kind)), why) { e in
                XCTAssertEqual((e as? EdgeError)?.code, .invalidInput, why)
            }
        }
        XCTAssertEqual(fresh.graph.state.map(\.value), before, "a rejected checkpoint changes nothing")
        XCTAssertThrowsError(try Checkpoint.load(from: dir + "/missing.ckpt", state: fresh.graph.state, optimizer: opt))
    }

    /// The exported .edge model (BN folded, activations fused) matches the eval-mode training forward.
    func testExportParity() throws {
        let nets: [(Network, [TTensor])] = [
            (try Network.speechDSCNN(width: 8, blocks: 2, inputShape: [1, 20, 12], seed: 2), [GradCheck.random([2, 1, 20, 12], seed: 1)]),
            (try Network.detector(width: 0.5, depth: 1, classes: 5, size: 32, seed: 3), [GradCheck.random([2, 3, 32, 32], seed: 2, lo: 0, hi: 1)]),
            (try Network.ranker(features: 6, cardinalities: [5, 3], embedding: 4, hidden: 8, seed: 4),
             [GradCheck.random([3, 6], seed: 3), TTensor(shape: [3, 2], data: [0, 2, 4, 1, 3, 0])]),
        ]
        for (net, feeds) in nets {
            // A few training steps so running statistics and weights are not the initial ones.
            let ctx = RunContext(training: true, pool: ComputePool(threads: 2), seed: 1)
            for _ in 0..<3 { _ = try net.graph.forward(feeds, ctx) }
            for p in net.graph.parameters where !p.decays { for i in 0..<p.count { p.value[i] += 0.1 * Float(i % 3) - 0.1 } }
            ctx.training = false
            let values = try net.graph.forward(feeds, ctx)
            let dir = NSTemporaryDirectory() + "edgetrain-export-\(getpid())-\(net.task).edge"
            defer { unlink(dir) }
            try net.graph.writeModel(to: dir, metadata: ModelMetadata(name: net.task, task: net.task))
            let model = try ModelFile.load(path: dir)
            XCTAssertFalse(model.graph.nodes.contains { $0.op == "BatchNormalization" && net.task != "recommendation" }, "BN folded")
            let session = try InferenceSession(graph: model.graph)
            var runFeeds = [String: Tensor]()
            for (input, feed) in zip(net.graph.inputs, feeds) {
                runFeeds[input.name] = input.integer ? try Tensor(feed.data.map { Int64($0) }, shape: feed.shape) : feed.toTensor()
            }
            let out = try session.run(runFeeds)
            for (name, id) in net.graph.outputs {
                let got = try XCTUnwrap(out[name]).scalars(as: Float.self)
                XCTAssertEqual(got.count, values[id].count)
                let worst = zip(got, values[id].data).map { abs($0 - $1) / max(1, abs($1)) }.max()!
                XCTAssertLessThan(worst, 1e-4, "\(net.task) output \(name)")
            }
        }
    }
}
