import XCTest
import EdgeRuntime
import EdgeTestSupport

/// ConvTranspose from the spec: every input element scatters x · w into
/// y[i·stride − pad_begin + k·dilation]; output size stride·(in−1) + output_padding + span − pads.
func referenceConvTranspose(_ x: Tensor, _ w: Tensor, _ b: Tensor?, group: Int, _ win: TestWindow, outputPadding: [Int]? = nil) -> Tensor {
    let xs = x.shape, ws = w.shape
    let spatial = Array(xs[2...]), r = spatial.count
    let op = outputPadding ?? spatial.map { _ in 0 }
    var outSpatial: [Int] = []
    for i in 0..<r {
        let span = (win.kernel[i] - 1) * win.dilations[i] + 1
        outSpatial.append(win.strides[i] * (spatial[i] - 1) + op[i] + span - win.pads[i] - win.pads[i + r])
    }
    let cg = xs[1] / group, mg = ws[1], m = mg * group
    let outShape = [xs[0], m] + outSpatial
    var out = [Float](repeating: 0, count: outShape.reduce(1, *))
    let xv = x.scalars(as: Float.self), wv = w.scalars(as: Float.self)
    let taps = allIndices(Array(ws[2...]))
    for n in 0..<xs[0] {
        for ci in 0..<xs[1] {
            let g = ci / cg
            for i in allIndices(spatial) {
                let v = xv[flatIndex([n, ci] + i, xs)]
                for mo in 0..<mg {
                    for k in taps {
                        let pos = (0..<r).map { i[$0] * win.strides[$0] - win.pads[$0] + k[$0] * win.dilations[$0] }
                        guard (0..<r).allSatisfy({ pos[$0] >= 0 && pos[$0] < outSpatial[$0] }) else { continue }
                        out[flatIndex([n, g * mg + mo] + pos, outShape)] += v * wv[flatIndex([ci, mo] + k, ws)]
                    }
                }
            }
        }
    }
    if let b {
        let bv = b.scalars(as: Float.self)
        let plane: Int = outSpatial.reduce(1, *)
        for i in out.indices { out[i] += bv[(i / plane) % m] }
    }
    return try! Tensor(out, shape: outShape)
}

final class ConvTransposeTests: XCTestCase {
    struct Case {
        var input: [Int]
        var outPerGroup: Int
        var group = 1
        var window: TestWindow
        var outputPadding: [Int]? = nil
        var bias = true
    }

    static let cases: [Case] = [
        Case(input: [1, 4, 5, 5], outPerGroup: 3, window: TestWindow(kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1]), outputPadding: [1, 1]),
        Case(input: [2, 4, 4, 6], outPerGroup: 2, group: 2, window: TestWindow(kernel: [2, 3], strides: [2, 1], pads: [0, 1, 1, 0], dilations: [1, 2])),
        Case(input: [1, 6, 3, 3], outPerGroup: 1, group: 6, window: TestWindow(kernel: [4, 4], strides: [2, 2], pads: [1, 1, 1, 1]), bias: false),
        Case(input: [1, 3, 4, 4], outPerGroup: 5, window: TestWindow(kernel: [1, 1])),
        Case(input: [2, 3, 7], outPerGroup: 2, window: TestWindow(kernel: [3], strides: [3], pads: [1, 0]), outputPadding: [2]),
        Case(input: [1, 2, 3, 3, 2], outPerGroup: 2, window: TestWindow(kernel: [2, 3, 2], strides: [2, 1, 2], pads: [0, 1, 0, 1, 0, 1])),
    ]

    func testGeometries() throws {
        var rng = SeededRandom(seed: 51)
        for (i, c) in Self.cases.enumerated() {
            for (constW, threads) in [(false, 1), (true, 2)] {
                let x = rng.tensor(c.input)
                let w = rng.tensor([c.input[1], c.outPerGroup] + c.window.kernel)
                let b = c.bias ? rng.tensor([c.outPerGroup * c.group]) : nil
                var attrs = c.window.attributes
                attrs["group"] = .int(c.group)
                if let op = c.outputPadding { attrs["output_padding"] = .ints(op) }
                let y = try SingleNode.run("ConvTranspose", [x, w, b], attributes: attrs, constants: constW ? [1, 2] : [], threads: threads)[0]
                let e = referenceConvTranspose(x, w, b, group: c.group, c.window, outputPadding: c.outputPadding)
                XCTAssertEqual(y.shape, e.shape, "case \(i)")
                XCTAssertTrue(allClose(y, e), "case \(i): \(maxDifference(y, e))")
            }
        }
    }

    func testOutputShapeAndAutoPad() throws {
        var rng = SeededRandom(seed: 52)
        let x = rng.tensor([1, 2, 3, 4]), w = rng.tensor([2, 3, 3, 3])
        // Full result: 2·(3−1)+3 = 7 by 2·(4−1)+3 = 9. output_shape [6, 8] → total pad 1 on each axis:
        // default (and SAME_LOWER) puts the odd pixel at the beginning, SAME_UPPER at the end.
        let attrs: [String: Attribute] = ["strides": .ints([2, 2]), "output_shape": .ints([6, 8])]
        let y = try SingleNode.run("ConvTranspose", [x, w], attributes: attrs)[0]
        XCTAssertTrue(allClose(y, referenceConvTranspose(x, w, nil, group: 1, TestWindow(kernel: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0]))))
        var upper = attrs
        upper["auto_pad"] = .string("SAME_UPPER")
        let yu = try SingleNode.run("ConvTranspose", [x, w], attributes: upper)[0]
        XCTAssertTrue(allClose(yu, referenceConvTranspose(x, w, nil, group: 1, TestWindow(kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1]))))
        // SAME_UPPER without output_shape: output = input · stride = [6, 8] again.
        let ys = try SingleNode.run("ConvTranspose", [x, w], attributes: ["strides": .ints([2, 2]), "auto_pad": .string("SAME_UPPER")])[0]
        XCTAssertEqual(ys.shape, [1, 3, 6, 8])
        XCTAssertTrue(allClose(ys, yu))
        let yv = try SingleNode.run("ConvTranspose", [x, w], attributes: ["strides": .ints([2, 2]), "auto_pad": .string("VALID"), "pads": .ints([1, 1, 1, 1])])[0]
        XCTAssertEqual(yv.shape, [1, 3, 7, 9])
    }

    func testFusedActivationAndErrors() throws {
        var rng = SeededRandom(seed: 53)
        let x = rng.tensor([1, 2, 4, 4]), w = rng.tensor([2, 3, 3, 3]), b = rng.tensor([3])
        let y = try SingleNode.run("ConvTranspose", [x, w, b], attributes: ["activation": .string("Relu")], constants: [1, 2])[0]
        let ref = referenceConvTranspose(x, w, b, group: 1, TestWindow(kernel: [3, 3]))
        XCTAssertTrue(allClose(y, try Tensor(ref.scalars(as: Float.self).map { max($0, 0) }, shape: ref.shape)))

        for (weights, attrs) in [
            (rng.tensor([3, 3, 3, 3]), [:]),
            (w, ["group": .int(3)]),
            (w, ["strides": .ints([0, 1])]),
            (w, ["output_padding": .ints([1, 0])]),
            (w, ["pads": .ints([3, 3, 3, 3])]),
            (w, ["pads": .ints([-1, 0, 0, 0])]),
            (w, ["output_shape": .ints([20, 20])]),
            (w, ["output_shape": .ints([Int.min, 4])]),
            (w, ["strides": .ints([Int.max, 1])]),
            (w, ["dilations": .ints([1, Int.max])]),
            (rng.tensor([2, 3, 3]), [:]),
        ] as [(Tensor, [String: Attribute])] {
            XCTAssertThrowsError(try SingleNode.run("ConvTranspose", [x, weights], attributes: attrs), "\(attrs)")
        }
    }
}
