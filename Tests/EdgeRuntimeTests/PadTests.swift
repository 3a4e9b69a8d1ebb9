import XCTest
import EdgeRuntime
import EdgeTestSupport

/// Pad in all four modes (incl. negative pads, axes input, runtime constant value) against a
/// per-element reference written from the spec / numpy.pad definitions.
final class PadTests: XCTestCase {
    /// numpy.pad's source index for coordinate `c` in a dimension of `n`; nil = constant.
    private func source(_ c: Int, _ n: Int, _ mode: String) -> Int? {
        if c >= 0 && c < n { return c }
        switch mode {
        case "edge": return c < 0 ? 0 : n - 1
        case "wrap": return ((c % n) + n) % n
        case "reflect":
            // Mirror repeatedly without repeating the edge element.
            var i = c
            while i < 0 || i >= n { i = i < 0 ? -i : 2 * (n - 1) - i }
            return i
        default: return nil
        }
    }

    private func reference(_ x: Tensor, _ begin: [Int], _ end: [Int], _ mode: String, _ value: Float) -> Tensor {
        let shape = x.shape
        let outShape = (0..<shape.count).map { shape[$0] + begin[$0] + end[$0] }
        let xs = x.scalars(as: Float.self)
        var out = [Float](repeating: value, count: outShape.reduce(1, *))
        for idx in Ref.indices(outShape) {
            var src: [Int] = []
            for d in 0..<shape.count {
                guard let s = source(idx[d] - begin[d], shape[d], mode) else { break }
                src.append(s)
            }
            if src.count == shape.count { out[Ref.flat(idx, outShape)] = xs[Ref.flat(src, shape)] }
        }
        return try! Tensor(out, shape: outShape)
    }

    func testAllModesMatchReference() throws {
        let x = iota([3, 4], start: 1)
        let cases: [([Int], [Int])] = [([1, 2], [2, 1]), ([0, 0], [0, 0]), ([2, 3], [2, 3]), ([-1, 1], [0, -2]), ([5, 0], [0, 7])]
        for mode in ["constant", "reflect", "edge", "wrap"] {
            for (b, e) in cases {
                let y = try SingleNode.run("Pad", [x, int64s(b + e)], attributes: ["mode": .string(mode)], constants: [1])[0]
                let r = reference(x, b, e, mode, 0)
                XCTAssertEqual(y.shape, r.shape, "\(mode) \(b) \(e)")
                XCTAssertEqual(y.scalars(as: Float.self), r.scalars(as: Float.self), "\(mode) \(b) \(e)")
            }
        }
    }

    func testConstantValueAxesAndDtypes() throws {
        let x = iota([2, 3, 2])
        // Runtime constant_value, pads only along axis -2.
        let y = try SingleNode.run("Pad", [x, int64s([1, 2]), Tensor(scalar: Float(-7)), int64s([-2])], constants: [1, 3])[0]
        let r = reference(x, [0, 1, 0], [0, 2, 0], "constant", -7)
        XCTAssertEqual(y.shape, [2, 6, 2])
        XCTAssertEqual(y.scalars(as: Float.self), r.scalars(as: Float.self))
        // int64 data, edge mode.
        let xi = try Tensor([Int64(5), 6, 7], shape: [3])
        let yi = try SingleNode.run("Pad", [xi, int64s([2, 1])], attributes: ["mode": .string("edge")], constants: [1])[0]
        XCTAssertEqual(yi.scalars(as: Int64.self), [5, 5, 5, 6, 7, 7])
        // uint8 data, constant value 9.
        let xb = try Tensor([UInt8(1), 2], shape: [1, 2])
        let yb = try SingleNode.run("Pad", [xb, int64s([1, 0, 0, 1]), Tensor(scalar: UInt8(9))], constants: [1, 2])[0]
        XCTAssertEqual(yb.scalars(as: UInt8.self), [9, 9, 9, 1, 2, 9])
    }

    func testPadErrors() {
        let x = iota([2, 2])
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Pad", [x, int64s([1, 1])], constants: [1]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Pad", [x, int64s([0, 0, -3, 0])], constants: [1]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Pad", [x, int64s([0, 0, 0, 0])], attributes: ["mode": .string("mirror")], constants: [1]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Pad", [iota([0, 2]), int64s([1, 0, 0, 0])], attributes: ["mode": .string("reflect")], constants: [1]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Pad", [x, int64s([1, 0, 0, 0]), Tensor(scalar: Int64(1))], constants: [1]) }
    }
}
