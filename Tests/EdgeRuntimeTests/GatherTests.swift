import XCTest
import EdgeRuntime
import EdgeTestSupport

/// Gather on every axis with int32/int64 indices against `out[a, idx, b] = data[a, indices[idx], b]`.
final class GatherTests: XCTestCase {
    private func reference(_ data: Tensor, _ indices: [Int], _ indexShape: [Int], axis: Int) -> ([Float], [Int]) {
        let shape = data.shape
        let a = axis < 0 ? axis + shape.count : axis
        let outShape = Array(shape[..<a]) + indexShape + Array(shape[(a + 1)...])
        let xs = data.scalars(as: Float.self)
        var out: [Float] = []
        for idx in Ref.indices(outShape) {
            let k = Ref.flat(Array(idx[a..<(a + indexShape.count)]), indexShape)
            var i = indices[k]
            if i < 0 { i += shape[a] }
            let src = Array(idx[..<a]) + [i] + Array(idx[(a + indexShape.count)...])
            out.append(xs[Ref.flat(src, shape)])
        }
        return (out, outShape)
    }

    func testAllAxesBothIndexTypes() throws {
        var rng = SeededRandom(seed: 7)
        let data = rng.tensor([3, 4, 5])
        let cases: [([Int], [Int])] = [([2, 0, -1], [3]), ([1, -2, 0, 3, 0, 1], [2, 3]), ([0], []), ([], [0])]
        for axis in [0, 1, 2, -1, -3] {
            for (raw, ishape) in cases {
                let dim = data.shape[axis < 0 ? axis + 3 : axis]
                let indices = raw.map { $0 >= dim ? dim - 1 : $0 }
                let (expected, outShape) = reference(data, indices, ishape, axis: axis)
                for wide in [true, false] {
                    let it = wide ? try Tensor(indices.map { Int64($0) }, shape: ishape) : try Tensor(indices.map { Int32($0) }, shape: ishape)
                    for constant in [Set<Int>(), [1]] {
                        let y = try SingleNode.run("Gather", [data, it], attributes: ["axis": .int(axis)], constants: constant)[0]
                        XCTAssertEqual(y.shape, outShape)
                        XCTAssertEqual(y.scalars(as: Float.self), expected, "axis \(axis) \(raw) wide \(wide)")
                    }
                }
            }
        }
    }

    func testEmbeddingLookupOfInt64Table() throws {
        let table = try Tensor((0..<40).map { Int64($0) }, shape: [10, 4])
        let ids = try Tensor([Int64(3), 9, 0, 3], shape: [2, 2])
        let y = try SingleNode.run("Gather", [table, ids])[0]
        XCTAssertEqual(y.shape, [2, 2, 4])
        XCTAssertEqual(y.scalars(as: Int64.self), [3, 9, 0, 3].flatMap { r in (0..<4).map { Int64(r * 4 + $0) } })
    }

    /// Run-time indices cannot throw: out-of-range ones yield zero rows, in-range rows are unaffected.
    func testOutOfRangeRuntimeIndexGivesZeros() throws {
        let table = iota([3, 2], start: 1)
        let ids = try Tensor([Int64(1), 99, -4, Int64.min, -1], shape: [5])
        let y = try SingleNode.run("Gather", [table, ids])[0]
        XCTAssertEqual(y.scalars(as: Float.self), [3, 4, 0, 0, 0, 0, 0, 0, 5, 6])
    }

    func testErrors() {
        let data = iota([3, 2])
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Gather", [data, int64s([3])], constants: [1]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Gather", [data, int64s([-4])], constants: [1]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Gather", [data, int64s([0])], attributes: ["axis": .int(2)]) }
        assertEdgeError(.unsupported) { _ = try SingleNode.run("Gather", [data, iota([1])]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Gather", [Tensor(scalar: Float(1)), int64s([0])]) }
    }
}
