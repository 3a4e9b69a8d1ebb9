import XCTest
import EdgeRuntime
import EdgeTestSupport

/// numpy.matmul from its definition: promote 1-D operands, broadcast batch dims, dot products.
func referenceMatMul(_ a: Tensor, _ b: Tensor) -> Tensor {
    let ash = a.shape.count == 1 ? [1] + a.shape : a.shape
    let bsh = b.shape.count == 1 ? b.shape + [1] : b.shape
    let m = ash[ash.count - 2], k = ash[ash.count - 1], n = bsh[bsh.count - 1]
    let aB = Array(ash.dropLast(2)), bB = Array(bsh.dropLast(2))
    let rank = max(aB.count, bB.count)
    let aP = [Int](repeating: 1, count: rank - aB.count) + aB, bP = [Int](repeating: 1, count: rank - bB.count) + bB
    let batch = zip(aP, bP).map { $0 == 1 ? $1 : $0 }
    let av = a.scalars(as: Float.self), bv = b.scalars(as: Float.self)
    var out: [Float] = []
    for idx in allIndices(batch) {
        let ai = flatIndex(zip(idx, aP).map { $1 == 1 ? 0 : $0 }, aP), bi = flatIndex(zip(idx, bP).map { $1 == 1 ? 0 : $0 }, bP)
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += av[ai * m * k + i * k + p] * bv[bi * k * n + p * n + j] }
                out.append(s)
            }
        }
    }
    var shape = batch
    if a.shape.count > 1 { shape.append(m) }
    if b.shape.count > 1 { shape.append(n) }
    return try! Tensor(out, shape: shape)
}

final class MatMulTests: XCTestCase {
    static let shapes: [([Int], [Int])] = [
        ([3, 4], [4, 5]), ([4], [4, 5]), ([3, 4], [4]), ([4], [4]),
        ([2, 3, 4], [4, 5]), ([2, 3, 4], [2, 4, 5]), ([3, 4], [2, 4, 5]), ([2, 1, 3, 4], [1, 3, 4, 6]),
        ([5], [2, 5, 3]), ([2, 3, 5], [5]), ([1, 7, 16], [16, 33]), ([64, 48], [48, 40]),
        ([0, 4], [4, 3]), ([3, 0], [0, 2]), ([2, 0, 3, 4], [4, 2]),
    ]

    func testShapesAndBroadcasting() throws {
        var rng = SeededRandom(seed: 11)
        for (i, (sa, sb)) in Self.shapes.enumerated() {
            for constB in [false, true] {
                for threads in [1, 2] {
                    let a = rng.tensor(sa), b = rng.tensor(sb)
                    let y = try SingleNode.run("MatMul", [a, b], constants: constB ? [1] : [], threads: threads)[0]
                    let expected = referenceMatMul(a, b)
                    XCTAssertEqual(y.shape, expected.shape, "case \(i)")
                    XCTAssertTrue(allClose(y, expected), "case \(i) \(sa)·\(sb) constB \(constB): \(maxDifference(y, expected))")
                }
            }
        }
    }

    func testFusedActivation() throws {
        var rng = SeededRandom(seed: 12)
        let a = rng.tensor([2, 5, 8]), b = rng.tensor([8, 6])
        let y = try SingleNode.run("MatMul", [a, b], attributes: ["activation": .string("Relu")], constants: [1])[0]
        let ref = referenceMatMul(a, b)
        XCTAssertTrue(allClose(y, try Tensor(ref.scalars(as: Float.self).map { max($0, 0) }, shape: ref.shape)))
    }

    func testErrors() {
        var rng = SeededRandom(seed: 13)
        XCTAssertThrowsError(try SingleNode.run("MatMul", [rng.tensor([3, 4]), rng.tensor([5, 2])]))
        XCTAssertThrowsError(try SingleNode.run("MatMul", [rng.tensor([2, 3, 4]), rng.tensor([3, 4, 2])]))
        XCTAssertThrowsError(try SingleNode.run("MatMul", [rng.tensor([]), rng.tensor([3])]))
    }
}
