import EdgeRuntime
import XCTest
@testable import EdgeTrain

/// Central finite-difference checks in float32. The objective is L = Σ rᵢ·yᵢ (r fixed random,
/// accumulated in Double), eps = 1e-2, and an analytic gradient a passes against the numeric n
/// when |a − n| ≤ 5e-3 + 3e-2·max(|a|, |n|). Inputs keep away from kinks (ReLU at 0, ReLU6 at 6,
/// HardSwish at ±3, max-pool ties) by more than eps, so the tolerances only absorb rounding.
enum GradCheck {
    static let eps: Float = 1e-2
    static let atol: Float = 5e-3
    static let rtol: Float = 3e-2

    static func random(_ shape: [Int], seed: UInt64, lo: Float = -1, hi: Float = 1, awayFromZero: Float = 0) -> TTensor {
        var rng = SplitMix64(seed: seed)
        let n = shape.reduce(1, *)
        let data = (0..<n).map { _ -> Float in
            var v: Float
            repeat { v = lo + (hi - lo) * rng.uniform() } while abs(v) < awayFromZero
            return v
        }
        return TTensor(shape: shape, data: data)
    }

    static func objective(_ y: TTensor, _ r: [Float]) -> Double {
        zip(y.data, r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    static func close(_ a: Float, _ n: Float) -> Bool { abs(a - n) <= atol + rtol * max(abs(a), abs(n)) }

    /// Indices to probe: all of a small tensor, a seeded sample of a large one.
    static func probes(_ count: Int, limit: Int = 24) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        var rng = SplitMix64(seed: UInt64(count))
        return (0..<limit).map { _ in rng.below(count) }
    }

    /// Checks the gradients of `graph`'s output `output` w.r.t. every float input and parameter.
    static func check(_ graph: TrainGraph, feeds: [TTensor], output: Int, training: Bool = true,
                      file: StaticString = #filePath, line: UInt = #line) throws {
        let pool = ComputePool(threads: 2)
        func run(_ f: [TTensor]) throws -> [TTensor] {
            try graph.forward(f, RunContext(training: training, pool: pool, seed: 7))
        }
        let values = try run(feeds)
        var rng = SplitMix64(seed: 99)
        let r = (0..<values[output].count).map { _ in rng.uniform() * 2 - 1 }
        graph.zeroGrad()
        let ctx = RunContext(training: training, pool: pool, seed: 7)
        _ = try graph.forward(feeds, ctx)
        let inputGrads = graph.backward(values, seeds: [output: TTensor(shape: values[output].shape, data: r)], ctx)
        var checked = 0
        for (k, input) in graph.inputs.enumerated() where !input.integer {
            let analytic = try XCTUnwrap(inputGrads[k], "no gradient for input \(input.name)", file: file, line: line)
            for i in probes(feeds[k].count) {
                var plus = feeds, minus = feeds
                plus[k].data[i] += eps
                minus[k].data[i] -= eps
                let numeric = Float((objective(try run(plus)[output], r) - objective(try run(minus)[output], r)) / Double(2 * eps))
                XCTAssertTrue(close(analytic.data[i], numeric), "d/d\(input.name)[\(i)]: analytic \(analytic.data[i]) numeric \(numeric)", file: file, line: line)
                checked += 1
            }
        }
        for p in graph.parameters {
            let analytic = p.grad
            for i in probes(p.count) {
                let saved = p.value[i]
                p.value[i] = saved + eps
                let lp = objective(try run(feeds)[output], r)
                p.value[i] = saved - eps
                let lm = objective(try run(feeds)[output], r)
                p.value[i] = saved
                let numeric = Float((lp - lm) / Double(2 * eps))
                XCTAssertTrue(close(analytic[i], numeric), "d/d\(p.name)[\(i)]: analytic \(analytic[i]) numeric \(numeric)", file: file, line: line)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 0, file: file, line: line)
    }

    /// Checks a loss's gradient w.r.t. its logits against central differences of the loss.
    static func checkLoss(_ x: TTensor, _ loss: (TTensor) -> LossValue, file: StaticString = #filePath, line: UInt = #line) {
        let analytic = loss(x).grad
        for i in probes(x.count, limit: 40) {
            var plus = x, minus = x
            plus.data[i] += eps
            minus.data[i] -= eps
            let numeric = (loss(plus).loss - loss(minus).loss) / (2 * eps)
            XCTAssertTrue(abs(analytic.data[i] - numeric) <= 2e-3 + 3e-2 * max(abs(analytic.data[i]), abs(numeric)),
                          "dL/dx[\(i)]: analytic \(analytic.data[i]) numeric \(numeric)", file: file, line: line)
        }
    }
}
