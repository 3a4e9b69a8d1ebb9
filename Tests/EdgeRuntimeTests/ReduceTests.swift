import XCTest
import EdgeRuntime
import EdgeTestSupport
import Foundation

/// Reduce* and ArgMax/ArgMin against a reference that visits every input element and adds it
/// to its output cell (Double accumulation). Tolerance: rtol 1e-4, atol 1e-5.
final class ReduceTests: XCTestCase {
    private let ops: [(String, Double, (Double, Double) -> Double, (Double, Int) -> Double)] = [
        ("ReduceSum", 0, { $0 + $1 }, { v, _ in v }),
        ("ReduceMean", 0, { $0 + $1 }, { v, n in v / Double(n) }),
        ("ReduceMax", -.infinity, { max($0, $1) }, { v, _ in v }),
        ("ReduceMin", .infinity, { min($0, $1) }, { v, _ in v }),
        ("ReduceProd", 1, { $0 * $1 }, { v, _ in v }),
        ("ReduceL1", 0, { $0 + abs($1) }, { v, _ in v }),
        ("ReduceL2", 0, { $0 + $1 * $1 }, { v, _ in v.squareRoot() }),
        ("ReduceSumSquare", 0, { $0 + $1 * $1 }, { v, _ in v }),
        ("ReduceLogSum", 0, { $0 + $1 }, { v, _ in Foundation.log(v) }),
    ]

    private func reference(_ x: Tensor, axes: [Int], keep: Bool, identity: Double,
                           combine: (Double, Double) -> Double, finish: (Double, Int) -> Double) -> Tensor {
        let shape = x.shape, xs = x.scalars(as: Float.self)
        let reduced = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 })
        let keptShape = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        var acc = [Double](repeating: identity, count: keptShape.reduce(1, *))
        for idx in Ref.indices(shape) {
            let o = Ref.flat(idx.enumerated().map { reduced.contains($0.offset) ? 0 : $0.element }, keptShape)
            acc[o] = combine(acc[o], Double(xs[Ref.flat(idx, shape)]))
        }
        let n = shape.enumerated().filter { reduced.contains($0.offset) }.map(\.element).reduce(1, *)
        let outShape = keep ? keptShape : shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        return try! Tensor(acc.map { Float(finish($0, n)) }, shape: outShape)
    }

    func testAllReductionsAllAxisSets() throws {
        var rng = SeededRandom(seed: 21)
        let shape = [2, 3, 4, 2]
        let x = rng.tensor(shape, 0.5, 1.5)  // positive so Prod and LogSum are well conditioned
        let axisSets: [[Int]] = [[0], [1], [3], [-1], [1, 2], [0, 2], [0, 3], [1, 3], [0, 1, 2, 3], [2, 0]]
        for (op, identity, combine, finish) in ops {
            for axes in axisSets {
                for keep in [true, false] {
                    let y = try SingleNode.run(op, [x, int64s(axes)], attributes: ["keepdims": .int(keep ? 1 : 0)], constants: [1])[0]
                    let r = reference(x, axes: axes, keep: keep, identity: identity, combine: combine, finish: finish)
                    XCTAssertEqual(y.shape, r.shape, "\(op) \(axes) keep \(keep)")
                    XCTAssertTrue(allClose(y, r), "\(op) \(axes) keep \(keep): \(maxDifference(y, r))")
                }
            }
            // No axes: reduce everything, or pass through with noop_with_empty_axes.
            let all = try SingleNode.run(op, [x])[0]
            XCTAssertEqual(all.shape, [1, 1, 1, 1])
            XCTAssertTrue(allClose(all, reference(x, axes: [0, 1, 2, 3], keep: true, identity: identity, combine: combine, finish: finish)), op)
            let same = try SingleNode.run(op, [x, try Tensor([Int64](), shape: [0])], attributes: ["noop_with_empty_axes": .int(1)], constants: [1])[0]
            XCTAssertEqual(same.scalars(as: Float.self), x.scalars(as: Float.self))
        }
    }

    func testIntegerAndEmptyReductions() throws {
        let x = try Tensor([Int64(3), -7, 2, 9, Int64.max, 1], shape: [2, 3])
        let sum = try SingleNode.run("ReduceSum", [x, int64s([1])], attributes: ["keepdims": .int(0)], constants: [1])[0]
        XCTAssertEqual(sum.scalars(as: Int64.self), [-2, Int64.max &+ 10])  // wraps instead of trapping
        let mx = try SingleNode.run("ReduceMax", [x, int64s([0])], constants: [1])[0]
        XCTAssertEqual(mx.scalars(as: Int64.self), [9, Int64.max, 2])
        let mean = try SingleNode.run("ReduceMean", [try Tensor([Int32(7), 8], shape: [2])])[0]
        XCTAssertEqual(mean.scalars(as: Int32.self), [7])
        let empty = iota([2, 0])
        XCTAssertEqual(try SingleNode.run("ReduceSum", [empty, int64s([1])], constants: [1])[0].scalars(as: Float.self), [0, 0])
        XCTAssertEqual(try SingleNode.run("ReduceProd", [empty, int64s([1])], constants: [1])[0].scalars(as: Float.self), [1, 1])
        XCTAssertEqual(try SingleNode.run("ReduceMax", [empty, int64s([1])], constants: [1])[0].scalars(as: Float.self), [-.infinity, -.infinity])
        let nan = try SingleNode.run("ReduceMax", [try Tensor([Float(1), .nan, 3], shape: [3])])[0]
        XCTAssertTrue(nan.scalars(as: Float.self)[0].isNaN)
    }

    func testReduceErrors() {
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("ReduceSum", [iota([2, 3]), int64s([2])], constants: [1]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("ReduceSum", [iota([2, 3]), int64s([1, -1])], constants: [1]) }
        assertEdgeError(.unsupported) { _ = try SingleNode.run("ReduceSum", [iota([2, 3]), int64s([1])]) }
        assertEdgeError(.unsupported) { _ = try SingleNode.run("ReduceL2", [int64s([1, 2])]) }
    }

    func testArgMaxArgMin() throws {
        var rng = SeededRandom(seed: 4)
        let shape = [3, 4, 5]
        let x = rng.tensor(shape)
        let xs = x.scalars(as: Float.self)
        for op in ["ArgMax", "ArgMin"] {
            for axis in [0, 1, 2, -1] {
                let a = axis < 0 ? axis + 3 : axis
                let y = try SingleNode.run(op, [x], attributes: ["axis": .int(axis), "keepdims": .int(0)])[0]
                var outShape = shape
                outShape.remove(at: a)
                XCTAssertEqual(y.shape, outShape)
                let ys = y.scalars(as: Int64.self)
                for idx in Ref.indices(outShape) {
                    var best = 0
                    for k in 0..<shape[a] {
                        var src = idx
                        src.insert(k, at: a)
                        var bsrc = idx
                        bsrc.insert(best, at: a)
                        let v = xs[Ref.flat(src, shape)], b = xs[Ref.flat(bsrc, shape)]
                        if op == "ArgMax" ? v > b : v < b { best = k }
                    }
                    XCTAssertEqual(ys[Ref.flat(idx, outShape)], Int64(best), "\(op) axis \(axis)")
                }
            }
        }
        let ties = try Tensor([Int32(2), 5, 5, 1, 1], shape: [5])
        XCTAssertEqual(try SingleNode.run("ArgMax", [ties])[0].scalars(as: Int64.self), [1])
        XCTAssertEqual(try SingleNode.run("ArgMax", [ties], attributes: ["select_last_index": .int(1)])[0].scalars(as: Int64.self), [2])
        XCTAssertEqual(try SingleNode.run("ArgMin", [ties], attributes: ["select_last_index": .int(1)])[0].scalars(as: Int64.self), [4])
        XCTAssertEqual(try SingleNode.run("ArgMin", [ties])[0].shape, [1])
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("ArgMax", [iota([2, 0])], attributes: ["axis": .int(1)]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("ArgMax", [iota([2])], attributes: ["axis": .int(1)]) }
    }
}
