import EdgeRuntime
import XCTest
@testable import EdgeTrain

/// Detection distillation: the soft focal loss and the mixed objective against hand-computed
/// values and finite differences, and a student that really moves to the teacher's heatmap.
final class DetectionDistillationTests: XCTestCase {
    func testSoftFocalValueAndGradient() {
        // p = ½ against t = ½: no loss; against t = 1: (½)²·log 2.
        XCTAssertEqual(Losses.softFocal(TTensor(shape: [1, 1, 1, 1], data: [0]), target: TTensor(shape: [1, 1, 1, 1], data: [0.5]), normalizer: 1).loss, 0)
        XCTAssertEqual(Losses.softFocal(TTensor(shape: [1, 1, 1, 1], data: [0]), target: TTensor(shape: [1, 1, 1, 1], data: [1]), normalizer: 1).loss,
                       0.25 * logf(2), accuracy: 1e-6)
        // The normalizer divides; 0 counts as 1.
        let x = GradCheck.random([1, 2, 3, 3], seed: 11, lo: -4, hi: 4), t = GradCheck.random([1, 2, 3, 3], seed: 12, lo: 0, hi: 1)
        XCTAssertEqual(Losses.softFocal(x, target: t, normalizer: 4).loss * 4, Losses.softFocal(x, target: t, normalizer: 0).loss, accuracy: 1e-5)
        GradCheck.checkLoss(x) { Losses.softFocal($0, target: t, normalizer: 3) }
    }

    /// One 8×8-cell image with two boxes, its targets, and a random teacher.
    func fixture() -> (DetectionTargets, TTensor, TTensor) {
        let t = DetectionTargetBuilder.build([[GroundTruthBox(label: 0, x0: 2, y0: 3, x1: 14, y1: 13),
                                               GroundTruthBox(label: 1, x0: 16, y0: 12, x1: 30, y1: 28)]], classes: 2, size: 32)
        return (t, GradCheck.random([1, 2, 8, 8], seed: 13, lo: 0, hi: 1), GradCheck.random([1, 4, 8, 8], seed: 14, lo: 1, hi: 15))
    }

    func testMixedObjectiveReducesToTheHardOneAndHasExactGradients() {
        let (t, teacherHeat, teacherBoxes) = fixture()
        let heat = GradCheck.random([1, 2, 8, 8], seed: 15, lo: -4, hi: 3), boxes = GradCheck.random([1, 4, 8, 8], seed: 16, lo: 1, hi: 15)
        let hard = Losses.detection(heatLogits: heat, boxes: boxes, targets: t, boxWeight: 1, giou: false)
        XCTAssertEqual(hard.loss, Losses.focal(heat, target: t.heatmap).loss + Losses.boxL1(boxes, target: t.boxes, mask: t.mask).loss, accuracy: 1e-6)
        // α = 0 and boxAlpha = 0: the teacher has no say.
        let none = Losses.detection(heatLogits: heat, boxes: boxes, targets: t, boxWeight: 1, giou: false, teacher: (teacherHeat, teacherBoxes, 0, 0))
        XCTAssertEqual(none.loss, hard.loss, accuracy: 1e-6)
        // α = 1: the heat term is the soft focal loss normalised by the 2 positives.
        let soft = Losses.detection(heatLogits: heat, boxes: boxes, targets: t, boxWeight: 1, giou: false, teacher: (teacherHeat, nil, 1, 0))
        XCTAssertEqual(soft.loss, Losses.softFocal(heat, target: teacherHeat, normalizer: 2).loss + Losses.boxL1(boxes, target: t.boxes, mask: t.mask).loss,
                       accuracy: 1e-5)
        let teacher = (heatmap: teacherHeat, boxes: Optional(teacherBoxes), alpha: Float(0.6), boxAlpha: Float(0.3))
        GradCheck.checkLoss(heat) { x in
            let l = Losses.detection(heatLogits: x, boxes: boxes, targets: t, boxWeight: 2, giou: false, teacher: teacher)
            return LossValue(loss: l.loss, grad: l.heat)
        }
        GradCheck.checkLoss(boxes) { b in
            let l = Losses.detection(heatLogits: heat, boxes: b, targets: t, boxWeight: 2, giou: false, teacher: teacher)
            return LossValue(loss: l.loss, grad: l.boxes)
        }
    }

    func testStudentLearnsTheTeachersHeatmap() throws {
        // Pure soft target (α = 1): the teacher's heatmap is a fixed pattern unrelated to the
        // boxes (one hot cell per image), so only distillation can teach it.
        var rng = SplitMix64(seed: 3)
        let n = 8
        var x = TTensor(shape: [n, 3, 32, 32]), teacher = TTensor(shape: [n, 2, 8, 8], value: 0.01)
        var boxes = [[GroundTruthBox]]()
        for i in 0..<n {
            let (cx, cy) = (rng.below(8), rng.below(8))
            teacher.data[(i * 2 + i % 2) * 64 + cy * 8 + cx] = 0.9
            for c in 0..<3 { for y in cy * 4..<cy * 4 + 4 { for xx in cx * 4..<cx * 4 + 4 { x.data[((i * 3 + c) * 32 + y) * 32 + xx] = i % 2 == 0 ? 1 : 0.5 } } }
            boxes.append([GroundTruthBox(label: 0, x0: 0, y0: 0, x1: 8, y1: 8)])
        }
        let net = try Network.detector(width: 0.5, depth: 0, classes: 2, size: 32, seed: 2)
        func gap() throws -> Float {
            let y = try net.graph.forward([x], RunContext(training: false, pool: ComputePool(threads: 1)))[net.heads["heatmap_logits"]!]
            return zip(y.data, teacher.data).map { abs(1 / (1 + expf(-$0.0)) - $0.1) }.max()!
        }
        let before = try gap()
        var c = TrainConfig()
        c.epochs = 30
        c.batchSize = 4
        c.learningRate = 5e-3
        let d = DetectionDistillation(teacherHeatmap: teacher, teacherBoxes: nil, alpha: 1, boxAlpha: 0, classes: 2)
        try Trainer(network: net, objective: .detectionDistillation(d), config: c).fit(TrainingData(inputs: [x], boxes: boxes))
        let after = try gap()
        XCTAssertLessThan(after, 0.5 * before, "max |σ(student) − teacher| before \(before), after \(after)")
    }
}
