import XCTest
import EdgeRuntime
import EdgeTestSupport

/// QLinearConv and QLinearMatMul against the integer reference in `QRef` — bit-exact: the
/// kernels' requantization is the spec's float32 computation.
final class QuantizedLinearTests: XCTestCase {
    struct ConvCase {
        var n = 1, c = 4, h = 7, w = 6, m = 6, k = 3, group = 1, stride = 1, pad = 1
        var xType = DType.uint8, yType = DType.uint8, perChannel = true, bias = true, relu = false
    }

    func runConv(_ t: ConvCase, seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let (xlo, xhi): (Int32, Int32) = t.xType == .uint8 ? (0, 255) : (-128, 127)
        let (ylo, yhi): (Int32, Int32) = t.yType == .uint8 ? (0, 255) : (-128, 127)
        let xShape = [t.n, t.c, t.h, t.w], wShape = [t.m, t.c / t.group, t.k, t.k]
        let x = QRef.random(&rng, xShape.reduce(1, *), xlo, xhi)
        let w = QRef.random(&rng, wShape.reduce(1, *), -127, 127)
        let xZero = QRef.random(&rng, 1, xlo, xhi)[0], yZero = QRef.random(&rng, 1, ylo, yhi)[0]
        let xs: Float = 0.02, ys: Float = 0.05 * Float(t.c / t.group * t.k * t.k).squareRoot()
        let ws = (0..<(t.perChannel ? t.m : 1)).map { _ in rng.float(0.002, 0.01) }
        let bias = t.bias ? QRef.random(&rng, t.m, -5000, 5000) : nil
        let multipliers = (0..<t.m).map { (xs * ws[t.perChannel ? $0 : 0]) / ys }
        let yRange = t.relu ? (yZero, yhi) : (ylo, yhi)
        let ref = QRef.conv(x: x, xShape: xShape, xZero: xZero, w: w, wShape: wShape, bias: bias, multipliers: multipliers,
                            yZero: yZero, yRange: yRange, group: t.group, stride: t.stride, pad: t.pad)
        var attrs: [String: Attribute] = ["group": .int(t.group), "strides": .ints([t.stride, t.stride]), "pads": .ints([t.pad, t.pad, t.pad, t.pad])]
        if t.relu { attrs["activation"] = .string("Relu") }
        let inputs: [Tensor?] = [
            QRef.tensor(x, xShape, t.xType), try Tensor(scalar: xs).reshaped([]), QRef.tensor([xZero], [], t.xType),
            QRef.tensor(w, wShape, .int8), try Tensor(ws, shape: t.perChannel ? [t.m] : []), QRef.tensor([Int32](repeating: 0, count: ws.count), t.perChannel ? [t.m] : [], .int8),
            Tensor(scalar: ys), QRef.tensor([yZero], [], t.yType), try bias.map { try Tensor($0, shape: [t.m]) },
        ]
        let y = try SingleNode.run("QLinearConv", inputs, attributes: attrs, constants: Set(1...8))[0]
        XCTAssertEqual(y.dtype, t.yType)
        XCTAssertEqual(y.shape, ref.shape, "\(t)")
        let got = QRef.values(y)
        let mismatches = zip(got, ref.values).filter { $0 != $1 }.count
        XCTAssertEqual(mismatches, 0, "\(t): \(mismatches) of \(got.count) differ")
        XCTAssertGreaterThan(Set(ref.values).count, 8, "\(t): reference mostly saturated, case too weak")
    }

    func testConvGeneralPaths() throws {
        try runConv(ConvCase(), seed: 10)                                           // im2col 3×3 pad 1
        try runConv(ConvCase(n: 2, stride: 2, perChannel: false), seed: 11)        // stride 2, per-tensor w, batch 2
        try runConv(ConvCase(c: 8, h: 5, w: 5, m: 16, k: 1, pad: 0), seed: 12)     // pointwise: no im2col
        try runConv(ConvCase(c: 4, m: 6, group: 2), seed: 13)                       // grouped
        try runConv(ConvCase(c: 3, h: 9, w: 9, m: 5, k: 5, pad: 2, bias: false), seed: 14)
    }

    func testConvDepthwise() throws {
        try runConv(ConvCase(c: 8, h: 9, w: 10, m: 8, group: 8), seed: 20)          // 3×3 s1 fast path
        try runConv(ConvCase(c: 8, h: 9, w: 10, m: 8, group: 8, stride: 2), seed: 21)
        try runConv(ConvCase(c: 4, h: 11, w: 11, m: 8, k: 5, group: 4, pad: 2), seed: 22) // multiplier 2, 5×5
    }

    func testConvInt8ActivationsAndFusedRelu() throws {
        try runConv(ConvCase(xType: .int8, yType: .int8), seed: 30)
        try runConv(ConvCase(xType: .int8, yType: .uint8, relu: true), seed: 31)
        try runConv(ConvCase(c: 6, m: 6, group: 6, xType: .int8, yType: .int8, relu: true), seed: 32)
        try runConv(ConvCase(c: 8, h: 4, w: 4, m: 8, k: 1, pad: 0, xType: .uint8, relu: true), seed: 33)
    }

    func testMatMulPerColumnBatchedA() throws {
        var rng = SeededRandom(seed: 40)
        for (aType, yType) in [(DType.uint8, DType.uint8), (.int8, .int8), (.uint8, .int8)] {
            let (alo, ahi): (Int32, Int32) = aType == .uint8 ? (0, 255) : (-128, 127)
            let (ylo, yhi): (Int32, Int32) = yType == .uint8 ? (0, 255) : (-128, 127)
            let (b, m, k, n) = (2, 3, 37, 19)
            let a = QRef.random(&rng, b * m * k, alo, ahi), w = QRef.random(&rng, k * n, -128, 127)
            let az = QRef.random(&rng, 1, alo, ahi)[0], yz = QRef.random(&rng, 1, ylo, yhi)[0]
            let ascale: Float = 0.03, yscale: Float = 0.4
            let ws = (0..<n).map { _ in rng.float(0.001, 0.01) }
            var expected: [Int32] = []
            for r in 0..<(b * m) {
                for j in 0..<n {
                    var acc: Int32 = 0
                    for p in 0..<k { acc += (a[r * k + p] - az) * w[p * n + j] }
                    expected.append(QRef.requantize(acc, (ascale * ws[j]) / yscale, yz, ylo, yhi))
                }
            }
            let inputs: [Tensor?] = [QRef.tensor(a, [b, m, k], aType), Tensor(scalar: ascale), QRef.tensor([az], [], aType),
                                     QRef.tensor(w, [k, n], .int8), try Tensor(ws, shape: [n]), QRef.tensor([Int32](repeating: 0, count: n), [n], .int8),
                                     Tensor(scalar: yscale), QRef.tensor([yz], [], yType)]
            let y = try SingleNode.run("QLinearMatMul", inputs, constants: Set(1...7))[0]
            XCTAssertEqual(y.shape, [b, m, n])
            XCTAssertEqual(QRef.values(y), expected, "\(aType) → \(yType)")
        }
    }

    func testUnsupportedFormsAreClearErrors() throws {
        let x = QRef.tensor([Int32](repeating: 1, count: 16), [1, 1, 4, 4], .uint8)
        let w = QRef.tensor([Int32](repeating: 1, count: 9), [1, 1, 3, 3], .int8)
        let p: (Float, Int32) -> [Tensor] = { s, z in [Tensor(scalar: s), QRef.tensor([z], [], .uint8)] }
        func conv(_ inputs: [Tensor], constants: Set<Int> = Set(1...7)) -> EdgeError? {
            do { _ = try SingleNode.run("QLinearConv", inputs, constants: constants); return nil } catch { return error as? EdgeError }
        }
        let wq = [Tensor(scalar: Float(0.1)), QRef.tensor([0], [], .int8)]
        XCTAssertNil(conv([x] + p(0.1, 0) + [w] + wq + p(0.1, 0)))
        XCTAssertEqual(conv([x] + p(0, 0) + [w] + wq + p(0.1, 0))?.code, .invalidGraph, "zero x scale")
        XCTAssertEqual(conv([x] + p(0.1, 0) + [w] + wq + p(-1, 0))?.code, .invalidGraph, "negative y scale")
        XCTAssertEqual(conv([x] + p(0.1, 0) + [w, try Tensor([Float](repeating: 0.1, count: 2), shape: [2]), QRef.tensor([0, 0], [2], .int8)] + p(0.1, 0))?.code,
                       .invalidGraph, "per-channel scale of the wrong length")
        XCTAssertEqual(conv([x] + p(0.1, 0) + [w, Tensor(scalar: Float(0.1)), QRef.tensor([3], [], .int8)] + p(0.1, 0))?.code,
                       .unsupported, "asymmetric weights")
        XCTAssertEqual(conv([x] + p(0.1, 0) + [w] + wq + p(0.1, 0), constants: Set([1, 2, 4, 5, 6, 7]))?.code,
                       .unsupported, "run-time weights")
        XCTAssertEqual(conv([x, Tensor(scalar: Float(0.1)), Tensor(scalar: Float(0)), w] + wq + p(0.1, 0))?.code,
                       .invalidGraph, "zero point type differs from x")
        var sigmoid: EdgeError? = nil
        do {
            _ = try SingleNode.run("QLinearConv", [x] + p(0.1, 0) + [w] + wq + p(0.1, 0), attributes: ["activation": .string("Sigmoid")], constants: Set(1...7))
        } catch { sigmoid = error as? EdgeError }
        XCTAssertEqual(sigmoid?.code, .unsupported, "non-clamp activation on a quantized output")
    }
}
