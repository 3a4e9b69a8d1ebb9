import XCTest
import EdgeRuntime
import EdgeTestSupport

/// MaxPool / AveragePool straight from the spec: every output position scans its window;
/// taps outside the input are skipped (max) or counted only with count_include_pad (average,
/// where the window is clipped to the padded input).
func referencePool(_ x: Tensor, max isMax: Bool, _ win: TestWindow, ceil: Bool = false, includePad: Bool = false) -> Tensor {
    let spatial = Array(x.shape[2...])
    let r = spatial.count
    let outSpatial = spatial.indices.map { i -> Int in
        let room = spatial[i] + win.pads[i] + win.pads[i + r] - (win.kernel[i] - 1) * win.dilations[i] - 1
        var o = (ceil ? Int((Double(room) / Double(win.strides[i])).rounded(.up)) : room / win.strides[i]) + 1
        if ceil && (o - 1) * win.strides[i] >= spatial[i] + win.pads[i] { o -= 1 }
        return o
    }
    let xv = x.scalars(as: Float.self)
    let outShape = Array(x.shape[0..<2]) + outSpatial
    var out: [Float] = []
    let taps = allIndices(win.kernel)
    for nc in allIndices(Array(x.shape[0..<2])) {
        for o in allIndices(outSpatial) {
            var acc: Float = isMax ? -.greatestFiniteMagnitude : 0
            var valid = 0, withPad = 0
            for k in taps {
                var index = nc[0] * x.shape[1] + nc[1], inside = true, inPadded = true
                for d in 0..<r {
                    let p = o[d] * win.strides[d] - win.pads[d] + k[d] * win.dilations[d]
                    inside = inside && p >= 0 && p < spatial[d]
                    inPadded = inPadded && p < spatial[d] + win.pads[d + r]
                    index = index * spatial[d] + p
                }
                if inPadded { withPad += 1 }
                guard inside else { continue }
                acc = isMax ? max(acc, xv[index]) : acc + xv[index]
                valid += 1
            }
            if !isMax { acc /= Float(includePad ? withPad : valid) }
            out.append(acc)
        }
    }
    return try! Tensor(out, shape: outShape)
}

final class PoolTests: XCTestCase {
    static let cases: [([Int], TestWindow)] = [
        ([1, 3, 9, 9], TestWindow(kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1])),
        ([2, 2, 8, 7], TestWindow(kernel: [2, 2], strides: [2, 2])),
        ([1, 2, 10, 9], TestWindow(kernel: [3, 2], strides: [2, 3], pads: [0, 1, 2, 1], dilations: [2, 1])),
        ([1, 1, 5, 5], TestWindow(kernel: [5, 5])),
        ([2, 3, 11], TestWindow(kernel: [4], strides: [3], pads: [1, 2])),
        ([1, 2, 5, 6, 7], TestWindow(kernel: [2, 3, 2], strides: [2, 1, 2], pads: [0, 1, 1, 1, 1, 0])),
        ([1, 1, 1, 1], TestWindow(kernel: [1, 1])),
        // the C kernel's specialised shapes (1×2, 2×2, 3×3; stride 1, 2) on rows wider than a vector
        ([1, 3, 7, 40], TestWindow(kernel: [1, 2], strides: [1, 2])),
        ([1, 2, 6, 37], TestWindow(kernel: [2, 2], strides: [1, 1])),
        ([2, 2, 9, 35], TestWindow(kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1])),
        ([1, 2, 8, 41], TestWindow(kernel: [3, 3], strides: [2, 2], pads: [0, 1, 1, 0])),
    ]

    func testMaxAndAverage() throws {
        var rng = SeededRandom(seed: 21)
        for (shape, win) in Self.cases {
            for ceil in [false, true] {
                for threads in [1, 2] {
                    let x = rng.tensor(shape)
                    var attrs = win.attributes
                    attrs["kernel_shape"] = .ints(win.kernel)
                    attrs["ceil_mode"] = .int(ceil ? 1 : 0)
                    let y = try SingleNode.run("MaxPool", [x], attributes: attrs, threads: threads)[0]
                    let e = referencePool(x, max: true, win, ceil: ceil)
                    XCTAssertTrue(allClose(y, e), "max \(shape) \(win) ceil \(ceil)")
                    for includePad in [false, true] {
                        attrs["count_include_pad"] = .int(includePad ? 1 : 0)
                        let ya = try SingleNode.run("AveragePool", [x], attributes: attrs, threads: threads)[0]
                        let ea = referencePool(x, max: false, win, ceil: ceil, includePad: includePad)
                        XCTAssertTrue(allClose(ya, ea), "avg \(shape) \(win) ceil \(ceil) includePad \(includePad): \(maxDifference(ya, ea))")
                    }
                }
            }
        }
    }

    /// Big enough that the kernels split planes across the thread pool.
    func testLargeInputTwoThreads() throws {
        var rng = SeededRandom(seed: 25)
        let x = rng.tensor([2, 4, 64, 64])
        let win = TestWindow(kernel: [5, 5], pads: [2, 2, 2, 2])
        var attrs = win.attributes
        attrs["kernel_shape"] = .ints(win.kernel)
        let y = try SingleNode.run("MaxPool", [x], attributes: attrs, threads: 2)[0]
        XCTAssertTrue(allClose(y, referencePool(x, max: true, win)))
        let ya = try SingleNode.run("AveragePool", [x], attributes: attrs, threads: 2)[0]
        XCTAssertTrue(allClose(ya, referencePool(x, max: false, win)))
        let big = rng.tensor([1, 16, 200, 200])
        let g = try SingleNode.run("GlobalMaxPool", [big], threads: 2)[0]
        let v = big.scalars(as: Float.self)
        XCTAssertEqual(g.scalars(as: Float.self), (0..<16).map { v[$0 * 40000..<($0 + 1) * 40000].max()! })
    }

    func testAutoPad() throws {
        var rng = SeededRandom(seed: 22)
        let x = rng.tensor([1, 2, 7, 6])
        let attrs: [String: Attribute] = ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "auto_pad": .string("SAME_UPPER")]
        // H: out 4, total pad 2 → 1/1. W: out 3, total pad 1 → 0/1 (upper), 1/0 (lower).
        let y = try SingleNode.run("MaxPool", [x], attributes: attrs)[0]
        XCTAssertTrue(allClose(y, referencePool(x, max: true, TestWindow(kernel: [3, 3], strides: [2, 2], pads: [1, 0, 1, 1]))))
        var lower = attrs
        lower["auto_pad"] = .string("SAME_LOWER")
        let ya = try SingleNode.run("AveragePool", [x], attributes: lower)[0]
        XCTAssertTrue(allClose(ya, referencePool(x, max: false, TestWindow(kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 0]))))
        var valid = attrs
        valid["auto_pad"] = .string("VALID")
        let yv = try SingleNode.run("MaxPool", [x], attributes: valid)[0]
        XCTAssertEqual(yv.shape, [1, 2, 3, 2])
        XCTAssertTrue(allClose(yv, referencePool(x, max: true, TestWindow(kernel: [3, 3], strides: [2, 2]))))
    }

    func testGlobalPools() throws {
        var rng = SeededRandom(seed: 23)
        for shape in [[2, 3, 4, 5], [1, 4, 7], [1, 2, 2, 3, 2], [1, 1, 1, 1]] {
            let x = rng.tensor(shape)
            let spatial = shape[2...].reduce(1, *)
            let v = x.scalars(as: Float.self)
            let planes = (0..<(shape[0] * shape[1])).map { Array(v[$0 * spatial..<($0 + 1) * spatial]) }
            let outShape = Array(shape[0..<2]) + [Int](repeating: 1, count: shape.count - 2)
            let avg = try SingleNode.run("GlobalAveragePool", [x])[0]
            XCTAssertTrue(allClose(avg, try Tensor(planes.map { $0.reduce(0, +) / Float(spatial) }, shape: outShape)))
            let mx = try SingleNode.run("GlobalMaxPool", [x])[0]
            XCTAssertTrue(allClose(mx, try Tensor(planes.map { $0.max()! }, shape: outShape)))
        }
    }

    func testEmptyBatch() throws {
        let x = try Tensor(zeros: .float32, shape: [0, 3, 5, 5])
        let y = try SingleNode.run("MaxPool", [x], attributes: ["kernel_shape": .ints([2, 2])])[0]
        XCTAssertEqual(y.shape, [0, 3, 4, 4])
        XCTAssertEqual(try SingleNode.run("GlobalAveragePool", [x])[0].shape, [0, 3, 1, 1])
    }

    func testErrors() {
        var rng = SeededRandom(seed: 24)
        let x = rng.tensor([1, 2, 5, 5])
        for attrs: [String: Attribute] in [
            [:],
            ["kernel_shape": .ints([3])],
            ["kernel_shape": .ints([3, 3]), "strides": .ints([0, 1])],
            ["kernel_shape": .ints([3, 3]), "pads": .ints([0, 0, -1, 0])],
            ["kernel_shape": .ints([7, 7])],
            ["kernel_shape": .ints([0, 3])],
        ] {
            XCTAssertThrowsError(try SingleNode.run("MaxPool", [x], attributes: attrs), "\(attrs)")
            XCTAssertThrowsError(try SingleNode.run("AveragePool", [x], attributes: attrs), "\(attrs)")
        }
        XCTAssertThrowsError(try SingleNode.run("MaxPool", [x], attributes: ["kernel_shape": .ints([2, 2])], outputs: 2)) { e in
            XCTAssertEqual((e as? EdgeError)?.code, .unsupported)
        }
        XCTAssertThrowsError(try SingleNode.run("GlobalAveragePool", [rng.tensor([2, 3])]))
        XCTAssertThrowsError(try SingleNode.run("MaxPool", [rng.tensor([2, 3])], attributes: ["kernel_shape": .ints([1])]))
    }
}
