import EdgeRuntime
import XCTest
@testable import EdgeTrain

/// Detection targets, a detector / ranker training smoke run, fake quantization and distillation.
final class DetectionAndQATTests: XCTestCase {
    func testDetectionTargets() {
        let t = DetectionTargetBuilder.build([[GroundTruthBox(label: 1, x0: 4, y0: 8, x1: 20, y1: 16)]], classes: 2, size: 32)
        // Centre (12, 12) → cell (3, 3) whose centre is (14, 14): ltrb = (10, 6, 6, 2).
        let plane = 64, k = 3 * 8 + 3
        XCTAssertEqual(t.heatmap.data[plane + k], 1)
        XCTAssertEqual(t.mask[k], 1)
        XCTAssertEqual(t.mask.reduce(0, +), 1)
        XCTAssertEqual((0..<4).map { t.boxes.data[$0 * plane + k] }, [10, 6, 6, 2])
        XCTAssertEqual(t.heatmap.data[k], 0, "other class untouched")
        XCTAssertLessThan(t.heatmap.data[plane + k + 1], 1)
        XCTAssertGreaterThan(t.heatmap.data[plane + k + 1], 0)
    }

    func testDetectorLossFalls() throws {
        var rng = SplitMix64(seed: 1)
        var x = TTensor(shape: [8, 3, 32, 32])
        var boxes = [[GroundTruthBox]]()
        for i in 0..<8 {
            let (x0, y0) = (Float(rng.below(16)), Float(rng.below(16)))
            boxes.append([GroundTruthBox(label: i % 2, x0: x0, y0: y0, x1: x0 + 12, y1: y0 + 12)])
            for c in 0..<3 { for y in Int(y0)..<Int(y0) + 12 { for xx in Int(x0)..<Int(x0) + 12 {
                x.data[((i * 3 + c) * 32 + y) * 32 + xx] = (i % 2 == c % 2) ? 1 : 0.3 } } }
        }
        let net = try Network.detector(width: 0.5, depth: 0, classes: 2, size: 32, seed: 2)
        var c = TrainConfig()
        c.epochs = 8
        c.batchSize = 4
        c.learningRate = 3e-3
        let reports = try Trainer(network: net, objective: .detection(classes: 2, boxWeight: 1, giou: false), config: c)
            .fit(TrainingData(inputs: [x], boxes: boxes))
        XCTAssertLessThan(reports.last!.loss, reports.first!.loss * 0.7, "\(reports.map(\.loss))")
    }

    func testRankerLearnsAndDistillationMatchesTeacher() throws {
        // Label = feature 0 > 0 xor category 1 of column 0.
        var rng = SplitMix64(seed: 4)
        let n = 256
        var f = TTensor(shape: [n, 3]), ids = TTensor(shape: [n, 1]), t = [Float]()
        for i in 0..<n {
            for j in 0..<3 { f.data[i * 3 + j] = rng.normal() }
            ids.data[i] = Float(rng.below(2))
            t.append(((f.data[i * 3] > 0) != (ids.data[i] == 1)) ? 1 : 0)
        }
        let net = try Network.ranker(features: 3, cardinalities: [2], embedding: 4, hidden: 16, seed: 3)
        var c = TrainConfig()
        c.epochs = 15
        c.batchSize = 32
        c.learningRate = 0.01
        let trainer = Trainer(network: net, objective: .binary, config: c)
        try trainer.fit(TrainingData(inputs: [f, ids], targets: t))
        XCTAssertGreaterThan(try trainer.evaluate(TrainingData(inputs: [f, ids], targets: t)).accuracy!, 0.9)
    }

    func testDistillationTransfersTeacher() throws {
        let data = TrainingTests.blobs(96, seed: 1)
        var c = TrainConfig()
        c.epochs = 5
        c.batchSize = 16
        c.learningRate = 0.01
        let teacher = try Network.smallCNN(inputShape: [1, 8, 8], classes: 2, width: 12, seed: 1)
        try Trainer(network: teacher, objective: .classification(smoothing: 0), config: c).fit(data)
        let logits = try teacher.graph.forward(data.inputs, RunContext(training: false, pool: ComputePool(threads: 1)))[teacher.heads["logits"]!]
        let student = try Network.smallCNN(inputShape: [1, 8, 8], classes: 2, width: 4, seed: 2)
        let trainer = Trainer(network: student, objective: .distillation(teacherLogits: logits, alpha: 0.7, temperature: 3), config: c)
        let reports = try trainer.fit(data, validation: TrainingTests.blobs(64, seed: 2))
        XCTAssertGreaterThan(reports.last!.validationAccuracy!, 0.9)
    }

    func testFakeQuantWeightsAndSTE() throws {
        // Per-channel int8: channel max maps to ±127 levels exactly.
        let w: [Float] = [0.5, -0.25, 0.1, 2, -1, 0.003]
        let q = FakeQuant.weights(w, shape: [2, 3], axis: 0, spec: FakeQuantSpec(bits: 8))
        XCTAssertEqual(q[0], 0.5)
        XCTAssertEqual(q[2], (0.1 / (0.5 / 127)).rounded() * (0.5 / 127), accuracy: 1e-7)
        XCTAssertEqual(q[5], 0, "below half a level rounds to 0")
        let q4 = FakeQuant.weights(w, shape: [2, 3], axis: 0, spec: FakeQuantSpec(bits: 4))
        XCTAssertEqual(Set(q4[3...].map { ($0 / (2 / 7)).rounded() }).count, 3)
        XCTAssertTrue(q4[3...].allSatisfy { abs($0 / (2 / 7) - ($0 / (2 / 7)).rounded()) < 1e-5 })

        // QAT training still learns, and the export carries the quantized weights (parity).
        let net = try Network.smallCNN(inputShape: [1, 8, 8], classes: 2, seed: 5)
        net.enableFakeQuant(bits: 4)
        var c = TrainConfig()
        c.epochs = 5
        c.batchSize = 16
        c.learningRate = 0.01
        let trainer = Trainer(network: net, objective: .classification(smoothing: 0), config: c)
        try trainer.fit(TrainingTests.blobs(96, seed: 1))
        XCTAssertGreaterThan(try trainer.evaluate(TrainingTests.blobs(64, seed: 2)).accuracy!, 0.9)
        let conv = net.graph.layers.compactMap { $0 as? Conv2D }.first!
        let graph = try net.graph.exportGraph(optimize: false)
        let exported = try XCTUnwrap(graph.initializers[conv.weight.name]).scalars(as: Float.self)
        let perChannel = exported.count / conv.weight.shape[0]
        for ch in 0..<conv.weight.shape[0] {
            let row = exported[(ch * perChannel)..<((ch + 1) * perChannel)]
            let scale = row.map(abs).max()! / 7
            XCTAssertTrue(row.allSatisfy { abs($0 / scale - ($0 / scale).rounded()) < 1e-3 }, "channel \(ch) on the int4 grid")
        }
    }

    func testFakeQuantActivationGradientAndExport() throws {
        let g = TrainGraph()
        let x = g.input("x", shape: [4])
        let y = try g.add(FakeQuantActivation(name: "fq"), [x])
        g.output("y", y)
        let pool = ComputePool(threads: 1)
        let feed = TTensor(shape: [2, 4], data: [-1, 0, 0.5, 2, -0.5, 1, 1.5, 3])
        let ctx = RunContext(training: true, pool: pool)
        let values = try g.forward([feed], ctx)
        XCTAssertEqual(values[1].data[7], 3, accuracy: 3 * 4 / 255.0, "range max represented")
        // Eval with a value outside the frozen range: clipped, and the STE blocks its gradient.
        ctx.training = false
        let wide = TTensor(shape: [1, 4], data: [-2, 0.2, 1, 5])
        let v2 = try g.forward([wide], ctx)
        XCTAssertEqual(v2[1].data[3], 3, accuracy: 0.02)
        let dx = g.backward(v2, seeds: [1: TTensor(shape: [1, 4], value: 1)], ctx)[0]!
        XCTAssertEqual(dx.data, [0, 1, 1, 0])
        let graph = try g.exportGraph(optimize: false)
        XCTAssertEqual(graph.nodes.map(\.op), ["QuantizeLinear", "DequantizeLinear"])
        let out = try InferenceSession(graph: graph).run(["x": wide.toTensor()])["y"]!.scalars(as: Float.self)
        for (a, b) in zip(out, v2[1].data) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }
}
