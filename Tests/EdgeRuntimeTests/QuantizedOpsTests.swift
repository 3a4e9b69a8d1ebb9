import XCTest
import EdgeRuntime
import EdgeTestSupport

/// QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear against the spec formulas
/// (bit-exact: every result is a fixed float32 or integer computation).
final class QuantizedOpsTests: XCTestCase {
    func testQuantizeLinearPerTensorUInt8AndInt8() throws {
        var rng = SeededRandom(seed: 1)
        // Ties (±0.5 steps), saturation on both sides and NaN included.
        // Specials both in the 16-lane SIMD part and in the scalar tail.
        let specials: [Float] = [0.05, -0.05, 0.15, 0.25, 100, -100, .nan, .infinity, -.infinity]
        let xs: [Float] = specials + (0..<60).map { _ in rng.float(-3, 3) } + specials
        let x = try Tensor(xs, shape: [xs.count])
        for (dtype, zero, lo, hi) in [(DType.uint8, Int32(100), Int32(0), Int32(255)), (.int8, Int32(-7), Int32(-128), Int32(127))] {
            let y = try SingleNode.run("QuantizeLinear", [x, Tensor(scalar: Float(0.1)), QRef.tensor([zero], [], dtype)])[0]
            XCTAssertEqual(y.dtype, dtype)
            XCTAssertEqual(QRef.values(y), xs.map { $0.isNaN ? lo : QRef.quantize($0, 0.1, zero, lo, hi) }, "\(dtype)")
        }
        // No zero point: uint8, zero point 0.
        let y = try SingleNode.run("QuantizeLinear", [x, Tensor(scalar: Float(0.1))])[0]
        XCTAssertEqual(y.dtype, .uint8)
        // output_dtype selects int8 when there is no zero point.
        let y8 = try SingleNode.run("QuantizeLinear", [x, Tensor(scalar: Float(0.1))], attributes: ["output_dtype": .int(3)])[0]
        XCTAssertEqual(y8.dtype, .int8)
    }

    func testQuantizeAndDequantizePerAxis() throws {
        var rng = SeededRandom(seed: 2)
        let shape = [2, 3, 4]
        let x = rng.tensor(shape, -2, 2)
        let xv = try x.floatValues()
        for axis in [1, -1, 0] {
            let a = axis < 0 ? axis + 3 : axis
            let channels = shape[a]
            let scales = (0..<channels).map { Float($0 + 1) * 0.013 }
            let zeros = (0..<channels).map { Int32($0 * 9 - 5) }
            let q = try SingleNode.run("QuantizeLinear", [x, Tensor(scales, shape: [channels]), QRef.tensor(zeros, [channels], .int8)],
                                       attributes: ["axis": .int(axis)])[0]
            let idx = Ref.indices(shape)
            let expected = idx.enumerated().map { i, ix in QRef.quantize(xv[i], scales[ix[a]], zeros[ix[a]], -128, 127) }
            XCTAssertEqual(QRef.values(q), expected, "axis \(axis)")
            let d = try SingleNode.run("DequantizeLinear", [q, Tensor(scales, shape: [channels]), QRef.tensor(zeros, [channels], .int8)],
                                       attributes: ["axis": .int(axis)])[0]
            let dExpected = idx.enumerated().map { i, ix in Float(expected[i] - zeros[ix[a]]) * scales[ix[a]] }
            XCTAssertEqual(try d.floatValues(), dExpected, "axis \(axis)")
        }
    }

    func testDequantizeLinearUInt8AndInt32() throws {
        let q = try Tensor([UInt8](arrayLiteral: 0, 1, 128, 255), shape: [4])
        let d = try SingleNode.run("DequantizeLinear", [q, Tensor(scalar: Float(0.5)), Tensor(scalar: UInt8(128))])[0]
        XCTAssertEqual(try d.floatValues(), [-64, -63.5, 0, 63.5])
        let b = try Tensor([Int32.min, -3, 7, Int32.max], shape: [4])
        let db = try SingleNode.run("DequantizeLinear", [b, Tensor(scalar: Float(0.25))])[0]
        XCTAssertEqual(try db.floatValues(), [Float(Int32.min) * 0.25, -0.75, 1.75, Float(Int32.max) * 0.25])
    }

    func testDynamicQuantizeLinear() throws {
        var rng = SeededRandom(seed: 3)
        for (lo, hi) in [(Float(-1), Float(3)), (0.5, 2), (-4, -1)] {
            let x = rng.tensor([3, 7], lo, hi)
            let out = try SingleNode.run("DynamicQuantizeLinear", [x], outputs: 3)
            let v = try x.floatValues()
            let mn = min(0, v.min()!), mx = max(0, v.max()!)
            let scale = (mx - mn) / 255
            let zero = Int32(min(max((-mn / scale).rounded(.toNearestOrEven), 0), 255))
            XCTAssertEqual(try out[1].floatValues(), [scale])
            XCTAssertEqual(QRef.values(out[2]), [zero])
            XCTAssertEqual(QRef.values(out[0]), v.map { QRef.quantize($0, scale, zero, 0, 255) })
        }
        let zeros = try SingleNode.run("DynamicQuantizeLinear", [Tensor(zeros: .float32, shape: [4])], outputs: 3)
        XCTAssertEqual(QRef.values(zeros[0]), [0, 0, 0, 0])
    }

    func testBadParametersAreErrors() throws {
        let x = try Tensor([Float](repeating: 1, count: 6), shape: [2, 3])
        for scale in [Float(0), -1, .nan, .infinity] {
            XCTAssertThrowsError(try SingleNode.run("QuantizeLinear", [x, Tensor(scalar: scale)], constants: [1]), "scale \(scale)") {
                XCTAssertEqual(($0 as? EdgeError)?.code, .invalidGraph)
            }
        }
        // Per-axis scale of the wrong length, axis out of range, block_size, unsupported dtypes.
        XCTAssertThrowsError(try SingleNode.run("QuantizeLinear", [x, Tensor([Float](repeating: 1, count: 2), shape: [2])]))
        XCTAssertThrowsError(try SingleNode.run("QuantizeLinear", [x, Tensor([Float](repeating: 1, count: 3), shape: [3])], attributes: ["axis": .int(2)]))
        XCTAssertThrowsError(try SingleNode.run("DequantizeLinear", [Tensor(zeros: .int8, shape: [2, 3]), Tensor(scalar: Float(1))],
                                                attributes: ["block_size": .int(2)])) {
            XCTAssertEqual(($0 as? EdgeError)?.code, .unsupported)
        }
        XCTAssertThrowsError(try SingleNode.run("DequantizeLinear", [Tensor(zeros: .int8, shape: [2]), Tensor(scalar: Float(1)), Tensor(scalar: UInt8(0))]))
        XCTAssertThrowsError(try SingleNode.run("DequantizeLinear", [x, Tensor(scalar: Float(1))]))
        XCTAssertThrowsError(try SingleNode.run("QuantizeLinear", [x, Tensor(scalar: Float(1)), Tensor(scalar: Int32(0))]))
    }
}
