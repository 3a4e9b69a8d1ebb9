import XCTest
@testable import EdgeTrain

/// Loss values against hand-computed cases and their gradients against finite differences.
final class LossGradientTests: XCTestCase {
    func testSoftmaxCrossEntropyValueAndGradient() {
        // Two equal logits: loss = log 2 exactly.
        XCTAssertEqual(Losses.softmaxCrossEntropy(TTensor(shape: [1, 2], data: [3, 3]), labels: [0]).loss, logf(2), accuracy: 1e-6)
        let x = GradCheck.random([3, 5], seed: 1, lo: -3, hi: 3)
        GradCheck.checkLoss(x) { Losses.softmaxCrossEntropy($0, labels: [0, 4, 2]) }
        GradCheck.checkLoss(x) { Losses.softmaxCrossEntropy($0, labels: [1, 3, 2], smoothing: 0.1) }
    }

    func testBinaryCrossEntropy() {
        // x = 0: loss = log 2 for any target.
        XCTAssertEqual(Losses.binaryCrossEntropy(TTensor(shape: [1, 1], data: [0]), targets: [1]).loss, logf(2), accuracy: 1e-6)
        let x = GradCheck.random([6, 1], seed: 2, lo: -4, hi: 4)
        GradCheck.checkLoss(x) { Losses.binaryCrossEntropy($0, targets: [0, 1, 1, 0, 0.3, 1]) }
    }

    func testDistillation() {
        let s = GradCheck.random([3, 4], seed: 3, lo: -2, hi: 2), t = GradCheck.random([3, 4], seed: 4, lo: -2, hi: 2)
        // Student equal to teacher: the KL term vanishes, α = 1 leaves 0.
        XCTAssertEqual(Losses.distillation(student: t, teacher: t, labels: [0, 1, 2], alpha: 1, temperature: 3).loss, 0, accuracy: 1e-5)
        GradCheck.checkLoss(s) { Losses.distillation(student: $0, teacher: t, labels: [0, 3, 1], alpha: 0.7, temperature: 4) }
        GradCheck.checkLoss(s) { Losses.meanSquaredError($0, target: t) }
    }

    func testBinaryDistillation() {
        let s = GradCheck.random([5, 1], seed: 5, lo: -3, hi: 3), t = GradCheck.random([5, 1], seed: 6, lo: -3, hi: 3)
        // Student equal to teacher: the KL term vanishes, α = 1 leaves 0; α = 0 is plain BCE.
        XCTAssertEqual(Losses.binaryDistillation(student: t, teacher: t, targets: [0, 1, 1, 0, 1], alpha: 1, temperature: 2).loss, 0, accuracy: 1e-5)
        XCTAssertEqual(Losses.binaryDistillation(student: s, teacher: t, targets: [0, 1, 1, 0, 1], alpha: 0, temperature: 2).loss,
                       Losses.binaryCrossEntropy(s, targets: [0, 1, 1, 0, 1]).loss, accuracy: 1e-6)
        XCTAssertGreaterThan(Losses.binaryDistillation(student: s, teacher: t, targets: [0, 1, 1, 0, 1], alpha: 1, temperature: 2).loss, 0)
        GradCheck.checkLoss(s) { Losses.binaryDistillation(student: $0, teacher: t, targets: [0, 1, 1, 0, 1], alpha: 0.6, temperature: 3) }
    }

    func testFocalLoss() {
        var target = TTensor(shape: [1, 2, 3, 3])
        target.data = [0, 0.3, 1, 0.5, 0, 0, 0.8, 0, 0, 0, 0, 0, 1, 0.6, 0, 0, 0, 0.2]
        // Hand case: one positive cell with logit 0 (p = ½) → (½)²·log 2 / 1.
        let one = Losses.focal(TTensor(shape: [1, 1, 1, 1], data: [0]), target: TTensor(shape: [1, 1, 1, 1], data: [1]))
        XCTAssertEqual(one.loss, 0.25 * logf(2), accuracy: 1e-6)
        GradCheck.checkLoss(GradCheck.random([1, 2, 3, 3], seed: 5, lo: -3, hi: 3)) { Losses.focal($0, target: target) }
    }

    func testBoxLosses() {
        let mask: [Float] = [1, 0, 0, 1]
        let pred = GradCheck.random([1, 4, 2, 2], seed: 6, lo: 2, hi: 12)
        let target = GradCheck.random([1, 4, 2, 2], seed: 7, lo: 2, hi: 12)
        // Identical boxes: GIoU loss 0, L1 loss 0.
        XCTAssertEqual(Losses.boxGIoU(target, target: target, mask: mask).loss, 0, accuracy: 1e-5)
        XCTAssertEqual(Losses.boxL1(target, target: target, mask: mask).loss, 0)
        // Hand case: pred (1,1,1,1) in target (2,2,2,2): IoU 4/16, enclosure = target → loss 0.75.
        let p = TTensor(shape: [1, 4, 1, 1], data: [1, 1, 1, 1]), t = TTensor(shape: [1, 4, 1, 1], data: [2, 2, 2, 2])
        XCTAssertEqual(Losses.boxGIoU(p, target: t, mask: [1]).loss, 0.75, accuracy: 1e-5)
        GradCheck.checkLoss(pred) { Losses.boxL1($0, target: target, mask: mask) }
        GradCheck.checkLoss(pred) { Losses.boxGIoU($0, target: target, mask: mask) }
    }
}
