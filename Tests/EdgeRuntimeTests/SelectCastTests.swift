import XCTest
import EdgeRuntime
import EdgeTestSupport

/// Cast, Where and the variadic Sum/Max/Min/Mean against per-element references.
final class SelectCastTests: XCTestCase {
    func testCastFloatToIntegersAndBack() throws {
        let x = try Tensor([Float(1.7), -1.7, 0, 300.5, -129, .nan, 1e30, -1e30], shape: [8])
        func cast(_ t: Tensor, _ to: DType) throws -> Tensor {
            try SingleNode.run("Cast", [t], attributes: ["to": .int(Int(to.rawValue))])[0]
        }
        XCTAssertEqual(try cast(x, .int64).scalars(as: Int64.self), [1, -1, 0, 300, -129, 0, .max, .min])
        XCTAssertEqual(try cast(x, .int32).scalars(as: Int32.self), [1, -1, 0, 300, -129, 0, -1, 0])
        // Narrowing wraps like numpy's astype for in-range values (300 → 44, -129 → 127).
        XCTAssertEqual(try cast(x, .int8).scalars(as: Int8.self), [1, -1, 0, 44, 127, 0, -1, 0])
        XCTAssertEqual(try cast(x, .uint8).scalars(as: UInt8.self), [1, 255, 0, 44, 127, 0, 255, 0])
        XCTAssertEqual(try cast(x, .bool).scalars(as: Bool.self), [true, true, false, true, true, true, true, true])
        let d = try cast(x, .float64).scalars(as: Double.self)
        XCTAssertEqual(d[0], Double(Float(1.7)))
        XCTAssertTrue(d[5].isNaN)
        let ints = try Tensor([Int64(-5), 0, 1 << 40], shape: [3])
        XCTAssertEqual(try cast(ints, .float32).scalars(as: Float.self), [-5, 0, Float(1 << 40)])
        XCTAssertEqual(try cast(ints, .int32).scalars(as: Int32.self), [-5, 0, 0])
        let bools = try Tensor([true, false], shape: [2])
        XCTAssertEqual(try cast(bools, .float32).scalars(as: Float.self), [1, 0])
        XCTAssertEqual(try cast(x, .float32).scalars(as: Float.self).count, 8)
        assertEdgeError(.unsupported) { _ = try SingleNode.run("Cast", [x], attributes: ["to": .int(8)]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Cast", [x]) }
    }

    func testCastFloat16RoundTripAndCastLike() throws {
        let x = try Tensor([Float(0.5), -2, 65504, 1.0009765625], shape: [4])
        let half = try SingleNode.run("Cast", [x], attributes: ["to": .int(10)])[0]
        XCTAssertEqual(half.dtype, .float16)
        let back = try SingleNode.run("Cast", [half], attributes: ["to": .int(1)])[0]
        XCTAssertEqual(back.scalars(as: Float.self), [0.5, -2, 65504, 1.0009765625])
        let like = try SingleNode.run("CastLike", [x, Tensor(scalar: Int64(0))])[0]
        XCTAssertEqual(like.scalars(as: Int64.self), [0, -2, 65504, 1])
    }

    func testWhereBroadcastsThreeWays() throws {
        var rng = SeededRandom(seed: 3)
        let shapes: [([Int], [Int], [Int])] = [([2, 3], [2, 3], [2, 3]), ([3], [2, 1], [1]), ([2, 1, 4], [3, 1], [1, 3, 4]), ([], [2], [2, 2])]
        for (cs, xs, ys) in shapes {
            let cn = cs.reduce(1, *)
            let c = try Tensor((0..<cn).map { _ in rng.next() % 2 == 0 }, shape: cs)
            let x = rng.tensor(xs), y = rng.tensor(ys)
            let out = try SingleNode.run("Where", [c, x, y])[0]
            var shape: [Int] = []
            for s in [cs, xs, ys] { shape = broadcastShape(shape, s) }
            XCTAssertEqual(out.shape, shape)
            let cv = c.scalars(as: Bool.self), xv = x.scalars(as: Float.self), yv = y.scalars(as: Float.self)
            let ov = out.scalars(as: Float.self)
            for idx in Ref.indices(shape) {
                let e = cv[Ref.broadcastFlat(idx, cs)] ? xv[Ref.broadcastFlat(idx, xs)] : yv[Ref.broadcastFlat(idx, ys)]
                XCTAssertEqual(ov[Ref.flat(idx, shape)], e)
            }
        }
        let ints = try SingleNode.run("Where", [Tensor([true, false], shape: [2]), int64s([1, 2]), int64s([8, 9])])[0]
        XCTAssertEqual(ints.scalars(as: Int64.self), [1, 9])
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Where", [Tensor([true], shape: [1]), iota([2]), iota([3])]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Where", [Tensor([true], shape: [1]), iota([2]), int64s([1])]) }
        assertEdgeError(.unsupported) { _ = try SingleNode.run("Where", [iota([1]), iota([2]), iota([2])]) }
    }

    private func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
        let r = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: r - a.count) + a, pb = [Int](repeating: 1, count: r - b.count) + b
        return zip(pa, pb).map { max($0, $1) }
    }

    func testVariadicOpsMatchReference() throws {
        var rng = SeededRandom(seed: 11)
        let shapes = [[2, 3, 4], [3, 1], [4], [1, 1, 1]]
        let inputs = shapes.map { rng.tensor($0) }
        let outShape = [2, 3, 4]
        let folds: [(String, ([Float]) -> Float)] = [
            ("Sum", { $0.reduce(0, +) }), ("Max", { $0.max()! }), ("Min", { $0.min()! }),
            ("Mean", { $0.reduce(0, +) / Float($0.count) }),
        ]
        for (op, f) in folds {
            let y = try SingleNode.run(op, inputs)[0]
            XCTAssertEqual(y.shape, outShape)
            let ys = y.scalars(as: Float.self)
            for idx in Ref.indices(outShape) {
                let vals = zip(inputs, shapes).map { t, s in t.scalars(as: Float.self)[Ref.broadcastFlat(idx, s)] }
                XCTAssertEqual(ys[Ref.flat(idx, outShape)], f(vals), accuracy: 1e-6, op)
            }
            // One input is a copy.
            XCTAssertEqual(try SingleNode.run(op, [inputs[0]])[0].scalars(as: Float.self), inputs[0].scalars(as: Float.self))
        }
        let a = int64s([1, Int(Int64.max)]), b = int64s([5, 1])
        XCTAssertEqual(try SingleNode.run("Sum", [a, b])[0].scalars(as: Int64.self), [6, Int64.min])  // wraps, no trap
        XCTAssertEqual(try SingleNode.run("Max", [a, b])[0].scalars(as: Int64.self), [5, Int64.max])
        let nan = try SingleNode.run("Max", [try Tensor([Float.nan, 1], shape: [2]), try Tensor([Float(0), .nan], shape: [2])])[0]
        XCTAssertTrue(nan.scalars(as: Float.self).allSatisfy(\.isNaN))
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Sum", [iota([2]), iota([3])]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Sum", [iota([2]), int64s([1, 2])]) }
        assertEdgeError(.unsupported) { _ = try SingleNode.run("Mean", [int64s([1, 2])]) }
    }
}
