import XCTest
import EdgeRuntime
import EdgeTestSupport

/// Transpose, Slice, Tile and Expand against naive index references (exact equality: pure copies).
final class DataMovementTests: XCTestCase {
    func testTransposeMatchesReference() throws {
        let cases: [([Int], [Int]?)] = [([2, 3, 4], [2, 0, 1]), ([2, 3, 4], nil), ([1, 5, 1, 3], [3, 1, 0, 2]),
                                        ([4, 6], [1, 0]), ([2, 3, 4, 5], [0, 2, 3, 1]), ([3, 0, 2], [2, 1, 0]), ([7], [0])]
        for (shape, perm) in cases {
            let x = iota(shape)
            let attrs: [String: Attribute] = perm.map { ["perm": .ints($0)] } ?? [:]
            let y = try SingleNode.run("Transpose", [x], attributes: attrs)[0]
            let p = perm ?? Array((0..<shape.count).reversed())
            let outShape = p.map { shape[$0] }
            XCTAssertEqual(y.shape, outShape)
            let xs = x.scalars(as: Float.self), ys = y.scalars(as: Float.self)
            for idx in Ref.indices(outShape) {
                var src = [Int](repeating: 0, count: shape.count)
                for d in 0..<p.count { src[p[d]] = idx[d] }
                XCTAssertEqual(ys[Ref.flat(idx, outShape)], xs[Ref.flat(src, shape)], "\(shape) \(p) \(idx)")
            }
        }
    }

    func testTransposeIsDtypeAgnostic() throws {
        let x = try Tensor((0..<24).map { Int64($0) * 1_000_000_007 }, shape: [2, 3, 4])
        let y = try SingleNode.run("Transpose", [x], attributes: ["perm": .ints([1, 2, 0])])[0]
        XCTAssertEqual(y.shape, [3, 4, 2])
        let b = try Tensor((0..<24).map { UInt8($0) }, shape: [2, 3, 4])
        let yb = try SingleNode.run("Transpose", [b], attributes: ["perm": .ints([1, 2, 0])])[0]
        XCTAssertEqual(y.scalars(as: Int64.self), yb.scalars(as: UInt8.self).map { Int64($0) * 1_000_000_007 })
    }

    func testTransposeRejectsBadPerm() {
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Transpose", [iota([2, 3])], attributes: ["perm": .ints([0, 0])]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Transpose", [iota([2, 3])], attributes: ["perm": .ints([0, 1, 2])]) }
    }

    /// Python-style slice indices, straight from the spec (clamping included).
    private func sliceIndices(_ start: Int, _ end: Int, _ step: Int, _ n: Int) -> [Int] {
        var s = start < 0 ? start + n : start, e = end < 0 ? end + n : end
        if step > 0 { s = min(max(s, 0), n); e = min(max(e, 0), n) } else { s = min(max(s, 0), n - 1); e = min(max(e, -1), n - 1) }
        var r: [Int] = []
        var i = s
        while step > 0 ? i < e : i > e { r.append(i); i += step }
        return r
    }

    func testSliceMatchesReference() throws {
        let shape = [4, 5, 6]
        let x = iota(shape)
        let xs = x.scalars(as: Float.self)
        let big = Int(Int64.max), small = Int(Int64.min)
        let cases: [(starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?)] = [
            ([1, 0], [3, 5], [0, 2], nil),
            ([0, 1, 2], [4, 4, 6], nil, [2, 1, 3]),
            ([-1], [small], [1], [-1]),
            ([big], [-big], [-1], [-2]),
            ([-100], [100], [2], [1]),
            ([3], [1], [0], [1]),            // empty
            ([2, 5], [0, 0], [0, 2], [-1, -2]),
            ([0], [big], [1], [big]),        // huge step: one element
            ([4], [0], [2], [small]),
        ]
        for c in cases {
            var inputs: [Tensor?] = [x, int64s(c.starts), int64s(c.ends)]
            var constants: Set<Int> = [1, 2]
            inputs.append(c.axes.map(int64s)); if c.axes != nil { constants.insert(3) }
            inputs.append(c.steps.map(int64s)); if c.steps != nil { constants.insert(4) }
            let y = try SingleNode.run("Slice", inputs, constants: constants)[0]
            var perAxis = shape.map { Array(0..<$0) }
            for (i, a) in (c.axes ?? Array(0..<c.starts.count)).enumerated() {
                let axis = a < 0 ? a + shape.count : a
                perAxis[axis] = sliceIndices(c.starts[i], c.ends[i], c.steps?[i] ?? 1, shape[axis])
            }
            let outShape = perAxis.map(\.count)
            XCTAssertEqual(y.shape, outShape, "\(c)")
            let ys = y.scalars(as: Float.self)
            for idx in Ref.indices(outShape) {
                let src = (0..<shape.count).map { perAxis[$0][idx[$0]] }
                XCTAssertEqual(ys[Ref.flat(idx, outShape)], xs[Ref.flat(src, shape)], "\(c)")
            }
        }
    }

    func testSliceErrors() {
        let x = iota([3, 4])
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Slice", [x, int64s([0]), int64s([1]), int64s([0]), int64s([0])], constants: [1, 2, 3, 4]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Slice", [x, int64s([0]), int64s([1]), int64s([2])], constants: [1, 2, 3]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Slice", [x, int64s([0, 0]), int64s([1])], constants: [1, 2]) }
        assertEdgeError(.unsupported) { _ = try SingleNode.run("Slice", [x, int64s([0]), int64s([1])], constants: [1]) }
    }

    func testTileMatchesReference() throws {
        for (shape, reps) in [([2, 3], [2, 3]), ([3], [4]), ([2, 1, 3], [1, 5, 2]), ([2, 2], [0, 1]), ([1, 4], [3, 1])] {
            let x = iota(shape)
            let y = try SingleNode.run("Tile", [x, int64s(reps)], constants: [1])[0]
            let outShape = zip(shape, reps).map { $0 * $1 }
            XCTAssertEqual(y.shape, outShape)
            let xs = x.scalars(as: Float.self), ys = y.scalars(as: Float.self)
            for idx in Ref.indices(outShape) {
                let src = zip(idx, shape).map { $0 % $1 }
                XCTAssertEqual(ys[Ref.flat(idx, outShape)], xs[Ref.flat(src, shape)])
            }
        }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Tile", [iota([2]), int64s([1, 2])], constants: [1]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Tile", [iota([2]), int64s([-1])], constants: [1]) }
    }

    func testExpandMatchesReference() throws {
        let cases: [([Int], [Int], [Int])] = [([3, 1], [2, 3, 4], [2, 3, 4]), ([1], [5], [5]), ([2, 3], [1, 1], [2, 3]),
                                              ([4, 1, 2], [3, 1], [4, 3, 2]), ([1, 3], [0, 3], [0, 3])]
        for (shape, target, expected) in cases {
            let x = iota(shape)
            let y = try SingleNode.run("Expand", [x, int64s(target)], constants: [1])[0]
            XCTAssertEqual(y.shape, expected)
            let xs = x.scalars(as: Float.self), ys = y.scalars(as: Float.self)
            for idx in Ref.indices(expected) {
                XCTAssertEqual(ys[Ref.flat(idx, expected)], xs[Ref.broadcastFlat(idx, shape)])
            }
        }
        let b = try Tensor([true, false], shape: [2, 1])
        let yb = try SingleNode.run("Expand", [b, int64s([2, 2])], constants: [1])[0]
        XCTAssertEqual(yb.scalars(as: Bool.self), [true, true, false, false])
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Expand", [iota([3]), int64s([2, 4])], constants: [1]) }
    }
}
