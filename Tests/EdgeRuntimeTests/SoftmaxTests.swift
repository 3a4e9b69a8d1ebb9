import XCTest
import EdgeRuntime
import EdgeTestSupport
import Foundation

/// Softmax / LogSoftmax on every axis and with legacy `coerce_2d`, against a Double reference.
/// Tolerance: rtol 1e-4, atol 1e-5 (the kernel's vector exp is an approximation).
final class SoftmaxTests: XCTestCase {
    /// Normalises over the flattened dims [from, to) for every index of the others.
    private func reference(_ x: Tensor, from: Int, to: Int, log: Bool) -> Tensor {
        let shape = x.shape, xs = x.scalars(as: Float.self)
        let outer = shape[..<from].reduce(1, *), dim = shape[from..<to].reduce(1, *), inner = shape[to...].reduce(1, *)
        var out = [Float](repeating: 0, count: xs.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let idx = (0..<dim).map { o * dim * inner + $0 * inner + i }
                let m = idx.map { Double(xs[$0]) }.max()!
                let s = idx.map { Foundation.exp(Double(xs[$0]) - m) }.reduce(0, +)
                for j in idx { out[j] = Float(log ? Double(xs[j]) - m - Foundation.log(s) : Foundation.exp(Double(xs[j]) - m) / s) }
            }
        }
        return try! Tensor(out, shape: shape)
    }

    func testEveryAxisBothOps() throws {
        var rng = SeededRandom(seed: 5)
        for shape in [[2, 3, 4], [5], [1, 7], [2, 1, 3, 5]] {
            let x = rng.tensor(shape, -6, 6)
            for op in ["Softmax", "LogSoftmax"] {
                for axis in -shape.count..<shape.count {
                    let a = axis < 0 ? axis + shape.count : axis
                    let y = try SingleNode.run(op, [x], attributes: ["axis": .int(axis)])[0]
                    let r = reference(x, from: a, to: a + 1, log: op == "LogSoftmax")
                    XCTAssertTrue(allClose(y, r), "\(op) \(shape) axis \(axis): \(maxDifference(y, r))")
                }
            }
        }
    }

    func testDefaultAxisIsLast() throws {
        var rng = SeededRandom(seed: 1)
        let x = rng.tensor([3, 4])
        let y = try SingleNode.run("Softmax", [x])[0]
        XCTAssertTrue(allClose(y, reference(x, from: 1, to: 2, log: false)))
    }

    func testCoerce2DFlattensTrailingDims() throws {
        var rng = SeededRandom(seed: 9)
        let x = rng.tensor([2, 3, 4], -3, 3)
        for op in ["Softmax", "LogSoftmax"] {
            let legacy = try SingleNode.run(op, [x], attributes: ["coerce_2d": .int(1)])[0]
            XCTAssertTrue(allClose(legacy, reference(x, from: 1, to: 3, log: op == "LogSoftmax")), op)
            let at0 = try SingleNode.run(op, [x], attributes: ["coerce_2d": .int(1), "axis": .int(0)])[0]
            XCTAssertTrue(allClose(at0, reference(x, from: 0, to: 3, log: op == "LogSoftmax")), op)
        }
    }

    func testLargeValuesStayFinite() throws {
        let x = try Tensor([Float(1000), 1000, -1000], shape: [1, 3])
        let y = try SingleNode.run("Softmax", [x])[0].scalars(as: Float.self)
        XCTAssertEqual(y[0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(y[2], 0, accuracy: 1e-6)
    }

    func testErrors() {
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Softmax", [iota([2, 3])], attributes: ["axis": .int(2)]) }
        assertEdgeError(.unsupported) { _ = try SingleNode.run("Softmax", [int64s([1, 2])]) }
    }
}
