import XCTest
import EdgeRuntime
import EdgeTestSupport

final class NormalizationTests: XCTestCase {
    /// Mean and biased variance in Double, for the references.
    private func stats(_ v: ArraySlice<Float>) -> (mean: Double, variance: Double) {
        let mean = v.reduce(0.0) { $0 + Double($1) } / Double(v.count)
        let variance = v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(v.count)
        return (mean, variance)
    }

    func testBatchNormalization() throws {
        var rng = SeededRandom(seed: 31)
        for shape in [[2, 3, 4, 5], [1, 4], [3, 2, 7], [1, 2, 2, 2, 3]] {
            let c = shape[1]
            let x = rng.tensor(shape), scale = rng.tensor([c]), bias = rng.tensor([c])
            let mean = rng.tensor([c]), variance = rng.tensor([c], 0.1, 2)
            let eps: Float = 1e-3
            let (sv, bv, mv, vv) = (scale.scalars(as: Float.self), bias.scalars(as: Float.self), mean.scalars(as: Float.self), variance.scalars(as: Float.self))
            let plane = shape[2...].reduce(1, *)
            let expected = try Tensor(x.scalars(as: Float.self).enumerated().map { i, v in
                let ch = (i / plane) % c
                return (v - mv[ch]) / (vv[ch] + eps).squareRoot() * sv[ch] + bv[ch]
            }, shape: shape)
            for constants in [Set<Int>(), [1, 2, 3, 4]] {
                let y = try SingleNode.run("BatchNormalization", [x, scale, bias, mean, variance],
                                           attributes: ["epsilon": .float(eps)], constants: constants)[0]
                XCTAssertTrue(allClose(y, expected), "\(shape)")
            }
        }
        let x = rng.tensor([1, 2, 3]), p = rng.tensor([2])
        XCTAssertThrowsError(try SingleNode.run("BatchNormalization", [x, p, p, p, p], attributes: ["training_mode": .int(1)])) { e in
            XCTAssertEqual((e as? EdgeError)?.code, .unsupported)
        }
        XCTAssertThrowsError(try SingleNode.run("BatchNormalization", [x, rng.tensor([3]), p, p, p]))
        XCTAssertThrowsError(try SingleNode.run("BatchNormalization", [rng.tensor([4]), p, p, p, p]))
    }

    func testInstanceNormalization() throws {
        var rng = SeededRandom(seed: 32)
        for shape in [[2, 3, 4, 5], [1, 2, 9], [1, 1, 1, 1], [2, 2, 2, 3, 2]] {
            let c = shape[1], plane = shape[2...].reduce(1, *)
            let x = rng.tensor(shape), scale = rng.tensor([c]), bias = rng.tensor([c])
            let xv = x.scalars(as: Float.self), sv = scale.scalars(as: Float.self), bv = bias.scalars(as: Float.self)
            var out: [Float] = []
            for p in 0..<(shape[0] * c) {
                let (m, v) = stats(xv[p * plane..<(p + 1) * plane])
                for i in p * plane..<(p + 1) * plane {
                    out.append(Float((Double(xv[i]) - m) / (v + 1e-5).squareRoot()) * sv[p % c] + bv[p % c])
                }
            }
            let y = try SingleNode.run("InstanceNormalization", [x, scale, bias])[0]
            let expected = try Tensor(out, shape: shape)
            XCTAssertTrue(allClose(y, expected), "\(shape): \(maxDifference(y, expected))")
        }
        XCTAssertThrowsError(try SingleNode.run("InstanceNormalization", [rng.tensor([1, 2, 3]), rng.tensor([3]), rng.tensor([2])]))
        XCTAssertThrowsError(try SingleNode.run("InstanceNormalization", [rng.tensor([1, 2]), rng.tensor([2]), rng.tensor([2])]))
    }

    func testLayerNormalization() throws {
        var rng = SeededRandom(seed: 33)
        // (input shape, axis, scale shape, bias shape or nil)
        let cases: [([Int], Int, [Int], [Int]?)] = [
            ([2, 3, 8], -1, [8], [8]), ([2, 3, 8], 1, [3, 8], nil), ([4, 6], 0, [4, 6], [6]),
            ([2, 5, 4], -2, [1, 4], [5, 1]), ([3, 7], -1, [1], [7]), ([1, 1], -1, [1], [1]),
        ]
        for (shape, axis, sShape, bShape) in cases {
            let x = rng.tensor(shape), scale = rng.tensor(sShape), bias = bShape.map { rng.tensor($0) }
            let a = axis < 0 ? axis + shape.count : axis
            let normalized = Array(shape[a...]), d = normalized.reduce(1, *), rows = x.count / d
            let xv = x.scalars(as: Float.self)
            func param(_ t: Tensor, _ idx: [Int]) -> Float {
                let s = [Int](repeating: 1, count: normalized.count - t.shape.count) + t.shape
                return t.scalars(as: Float.self)[flatIndex(zip(idx, s).map { $1 == 1 ? 0 : $0 }, s)]
            }
            var out: [Float] = [], means: [Float] = [], invs: [Float] = []
            for r in 0..<rows {
                let (m, v) = stats(xv[r * d..<(r + 1) * d])
                let inv = 1 / (v + 1e-5).squareRoot()
                means.append(Float(m)); invs.append(Float(inv))
                for (i, idx) in allIndices(normalized).enumerated() {
                    out.append(Float((Double(xv[r * d + i]) - m) * inv) * param(scale, idx) + (bias.map { param($0, idx) } ?? 0))
                }
            }
            let statsShape = Array(shape[..<a]) + [Int](repeating: 1, count: shape.count - a)
            let ys = try SingleNode.run("LayerNormalization", [x, scale, bias], attributes: ["axis": .int(axis)], constants: [1, 2], outputs: 3)
            XCTAssertTrue(allClose(ys[0], try Tensor(out, shape: shape)), "\(shape) axis \(axis)")
            XCTAssertTrue(allClose(ys[1], try Tensor(means, shape: statsShape)))
            XCTAssertTrue(allClose(ys[2], try Tensor(invs, shape: statsShape), rtol: 1e-4, atol: 1e-4))
            let y = try SingleNode.run("LayerNormalization", [x, scale, bias], attributes: ["axis": .int(axis)])[0]
            XCTAssertTrue(allClose(y, try Tensor(out, shape: shape)))
        }
        XCTAssertThrowsError(try SingleNode.run("LayerNormalization", [rng.tensor([2, 3]), rng.tensor([2])]))
        XCTAssertThrowsError(try SingleNode.run("LayerNormalization", [rng.tensor([2, 3]), rng.tensor([3])], attributes: ["axis": .int(2)]))
    }

    /// Big enough that rows / planes / channels are split across the thread pool.
    func testLargeInputsTwoThreads() throws {
        var rng = SeededRandom(seed: 35)
        let x = rng.tensor([256, 768]), scale = rng.tensor([768]), bias = rng.tensor([768])
        let one = try SingleNode.run("LayerNormalization", [x, scale, bias], constants: [1, 2], threads: 1)[0]
        let two = try SingleNode.run("LayerNormalization", [x, scale, bias], constants: [1, 2], threads: 2)[0]
        XCTAssertEqual(one.scalars(as: Float.self), two.scalars(as: Float.self))
        let xv = x.scalars(as: Float.self), sv = scale.scalars(as: Float.self), bv = bias.scalars(as: Float.self)
        let (m, v) = stats(xv[255 * 768..<256 * 768])
        for i in 0..<768 {
            let e = Float((Double(xv[255 * 768 + i]) - m) / (v + 1e-5).squareRoot()) * sv[i] + bv[i]
            XCTAssertEqual(two.scalars(as: Float.self)[255 * 768 + i], e, accuracy: 1e-4)
        }
        let img = rng.tensor([1, 8, 256, 256]), p = rng.tensor([8]), variance = rng.tensor([8], 0.5, 2)
        for (op, inputs) in [("InstanceNormalization", [img, p, p]), ("BatchNormalization", [img, p, p, p, variance])] {
            let a = try SingleNode.run(op, inputs, threads: 1)[0], b = try SingleNode.run(op, inputs, threads: 2)[0]
            XCTAssertEqual(a.scalars(as: Float.self), b.scalars(as: Float.self), op)
        }
    }

    func testPRelu() throws {
        var rng = SeededRandom(seed: 34)
        for (shape, sShape) in [([2, 3, 4, 4], [3, 1, 1]), ([5, 6], [6]), ([2, 3], [1]), ([2, 3, 4], [2, 3, 4]), ([4], [4])] {
            let x = rng.tensor(shape), slope = rng.tensor(sShape)
            let s = [Int](repeating: 1, count: shape.count - sShape.count) + sShape
            let sv = slope.scalars(as: Float.self), xv = x.scalars(as: Float.self)
            let out = allIndices(shape).enumerated().map { i, idx -> Float in
                let k = sv[flatIndex(zip(idx, s).map { $1 == 1 ? 0 : $0 }, s)]
                return xv[i] < 0 ? k * xv[i] : xv[i]
            }
            let y = try SingleNode.run("PRelu", [x, slope], constants: [1])[0]
            XCTAssertTrue(allClose(y, try Tensor(out, shape: shape)), "\(shape) \(sShape)")
        }
        XCTAssertThrowsError(try SingleNode.run("PRelu", [rng.tensor([2, 3]), rng.tensor([2])]))
        XCTAssertThrowsError(try SingleNode.run("PRelu", [rng.tensor([3]), rng.tensor([2, 3])]))
    }
}
