import XCTest
@testable import EdgeTrain

/// Optimizer steps against values computed by hand (PyTorch update rules).
final class OptimizerTests: XCTestCase {
    private func param(_ w: Float, grad g: Float, decays: Bool = true) -> Parameter {
        let p = Parameter(name: "w", shape: [1], value: [w], decays: decays)
        p.grad = [g]
        return p
    }

    func testSGDMomentumAndNesterov() {
        let p = param(1, grad: 0.5)
        let sgd = Optimizer(.sgd(momentum: 0.9, nesterov: false), weightDecay: 0.1)
        sgd.step([p], lr: 0.1)  // g = 0.5 + 0.1 = 0.6, buf = 0.6, w = 1 − 0.06
        XCTAssertEqual(p.value[0], 0.94, accuracy: 1e-6)
        p.grad = [0.5]
        sgd.step([p], lr: 0.1)  // g = 0.5 + 0.094 = 0.594, buf = 0.54 + 0.594 = 1.134, w = 0.94 − 0.1134
        XCTAssertEqual(p.value[0], 0.8266, accuracy: 1e-6)

        let q = param(1, grad: 0.5, decays: false)
        let nesterov = Optimizer(.sgd(momentum: 0.9, nesterov: true), weightDecay: 0.1)
        nesterov.step([q], lr: 0.1)  // no decay: buf = 0.5, step = 0.5 + 0.45 = 0.95
        XCTAssertEqual(q.value[0], 0.905, accuracy: 1e-6)
    }

    func testAdamAndAdamW() {
        let p = param(1, grad: 0.2)
        let adam = Optimizer(.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
        adam.step([p], lr: 0.01)  // first bias-corrected step moves by lr·sign(g)
        XCTAssertEqual(p.value[0], 0.99, accuracy: 1e-6)
        p.grad = [-0.1]
        adam.step([p], lr: 0.01)
        // m = 0.9·0.02 − 0.01 = 0.008, v = 0.999·4e-5 + 1e-5; m̂ = m/0.19, v̂ = v/0.001999
        let m: Float = 0.008 / 0.19, v: Float = (0.999 * 4e-5 + 1e-5) / (1 - 0.999 * 0.999)
        XCTAssertEqual(p.value[0], 0.99 - 0.01 * m / (v.squareRoot() + 1e-8), accuracy: 1e-6)

        let q = param(2, grad: 0.2)
        let adamW = Optimizer(.adamW(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), weightDecay: 0.5)
        adamW.step([q], lr: 0.01)  // w = 2 − 0.01·0.5·2 = 1.99, then − 0.01
        XCTAssertEqual(q.value[0], 1.98, accuracy: 1e-6)
    }

    func testClippingAndSchedules() {
        let a = param(0, grad: 3), b = param(0, grad: 4)
        XCTAssertEqual(Optimizer.clipGradients([a, b], maxNorm: 1), 5, accuracy: 1e-6)
        XCTAssertEqual(a.grad[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(b.grad[0], 0.8, accuracy: 1e-6)
        XCTAssertEqual(LRSchedule.step(base: 0.1, every: 10, gamma: 0.5).lr(at: 25), 0.025, accuracy: 1e-7)
        let cos = LRSchedule.cosine(base: 1, warmup: 4, total: 14, minLR: 0)
        XCTAssertEqual(cos.lr(at: 0), 0.25, accuracy: 1e-6)
        XCTAssertEqual(cos.lr(at: 4), 1, accuracy: 1e-6)
        XCTAssertEqual(cos.lr(at: 9), 0.5, accuracy: 1e-6)
        XCTAssertEqual(cos.lr(at: 14), 0, accuracy: 1e-6)
    }
}
