import XCTest
import EdgeRuntime
import EdgeTestSupport

/// Spatial window parameters of a test case (1–3 spatial dims), with explicit pads.
struct TestWindow {
    var kernel: [Int]
    var strides: [Int]
    var pads: [Int]          // begins then ends
    var dilations: [Int]

    init(kernel: [Int], strides: [Int]? = nil, pads: [Int]? = nil, dilations: [Int]? = nil) {
        self.kernel = kernel
        self.strides = strides ?? kernel.map { _ in 1 }
        self.pads = pads ?? (kernel + kernel).map { _ in 0 }
        self.dilations = dilations ?? kernel.map { _ in 1 }
    }

    var attributes: [String: Attribute] {
        ["strides": .ints(strides), "pads": .ints(pads), "dilations": .ints(dilations)]
    }

    /// Output size along axis `i` (ONNX floor formula).
    func output(_ input: [Int]) -> [Int] {
        input.indices.map { i in
            (input[i] + pads[i] + pads[i + input.count] - (kernel[i] - 1) * dilations[i] - 1) / strides[i] + 1
        }
    }
}

/// Row-major index of `idx` in `shape`.
func flatIndex(_ idx: [Int], _ shape: [Int]) -> Int {
    var r = 0
    for (i, d) in zip(idx, shape) { r = r * d + i }
    return r
}

/// Every index tuple of `shape`, in row-major order.
func allIndices(_ shape: [Int]) -> [[Int]] {
    var result: [[Int]] = [[]]
    for d in shape { result = result.flatMap { p in (0..<d).map { p + [$0] } } }
    return result
}

/// Straight from the ONNX Conv spec: nested loops over output, channel of the group, kernel taps.
func referenceConv(_ x: Tensor, _ w: Tensor, _ b: Tensor?, group: Int, _ win: TestWindow) -> Tensor {
    let xs = x.shape, ws = w.shape
    let xv = x.scalars(as: Float.self), wv = w.scalars(as: Float.self), bv = b?.scalars(as: Float.self)
    let spatial = Array(xs[2...]), outSpatial = win.output(spatial)
    let m = ws[0], cg = ws[1], mg = m / group
    let taps = allIndices(Array(ws[2...]))
    let outShape = [xs[0], m] + outSpatial
    var out = [Float](repeating: 0, count: outShape.reduce(1, *))
    for n in 0..<xs[0] {
        for oc in 0..<m {
            let g = oc / mg
            for o in allIndices(outSpatial) {
                var s: Float = bv?[oc] ?? 0
                for c in 0..<cg {
                    for (t, k) in taps.enumerated() {
                        // Input index of this tap, or skip it when it falls in the padding.
                        var index = n * xs[1] + g * cg + c, inside = true
                        for d in 0..<spatial.count {
                            let p = o[d] * win.strides[d] - win.pads[d] + k[d] * win.dilations[d]
                            inside = inside && p >= 0 && p < spatial[d]
                            index = index * spatial[d] + p
                        }
                        if inside { s += xv[index] * wv[(oc * cg + c) * taps.count + t] }
                    }
                }
                out[flatIndex([n, oc] + o, outShape)] = s
            }
        }
    }
    return try! Tensor(out, shape: outShape)
}

final class ConvTests: XCTestCase {
    struct Case {
        var input: [Int]       // N, C, spatial…
        var outChannels: Int
        var group = 1
        var window: TestWindow
        var bias = true
    }

    static let cases: [Case] = [
        // MobileNet-like
        Case(input: [1, 3, 17, 17], outChannels: 8, window: TestWindow(kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1])),
        Case(input: [1, 8, 9, 9], outChannels: 8, group: 8, window: TestWindow(kernel: [3, 3], pads: [1, 1, 1, 1])),
        Case(input: [2, 8, 10, 10], outChannels: 8, group: 8, window: TestWindow(kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1])),
        Case(input: [1, 8, 7, 7], outChannels: 16, window: TestWindow(kernel: [1, 1])),
        Case(input: [1, 6, 11, 11], outChannels: 6, group: 6, window: TestWindow(kernel: [5, 5], pads: [2, 2, 2, 2]), bias: false),
        Case(input: [1, 4, 8, 8], outChannels: 12, group: 4, window: TestWindow(kernel: [3, 3], pads: [1, 1, 1, 1])),  // multiplier 3
        // General 2-D
        Case(input: [2, 6, 9, 7], outChannels: 4, group: 2, window: TestWindow(kernel: [3, 2], strides: [2, 1], pads: [0, 1, 2, 0], dilations: [1, 2])),
        Case(input: [1, 3, 12, 10], outChannels: 5, window: TestWindow(kernel: [3, 3], dilations: [2, 3]), bias: false),
        Case(input: [1, 4, 6, 6], outChannels: 8, window: TestWindow(kernel: [1, 1], strides: [2, 2])),
        Case(input: [1, 2, 5, 5], outChannels: 3, window: TestWindow(kernel: [5, 5])),
        Case(input: [1, 1, 1, 1], outChannels: 2, window: TestWindow(kernel: [1, 1])),
        // 1-D
        Case(input: [2, 3, 20], outChannels: 4, window: TestWindow(kernel: [3], strides: [2], pads: [1, 2], dilations: [2])),
        Case(input: [1, 4, 9], outChannels: 4, group: 4, window: TestWindow(kernel: [3], pads: [1, 1])),
        Case(input: [1, 5, 9], outChannels: 7, window: TestWindow(kernel: [1])),
        // 3-D
        Case(input: [1, 2, 5, 6, 4], outChannels: 3, window: TestWindow(kernel: [3, 3, 2], strides: [1, 2, 1], pads: [1, 0, 1, 1, 1, 0])),
        Case(input: [2, 4, 4, 4, 4], outChannels: 4, group: 4, window: TestWindow(kernel: [3, 3, 3], pads: [1, 1, 1, 1, 1, 1], dilations: [1, 1, 2])),
        Case(input: [1, 4, 3, 3, 3], outChannels: 6, group: 2, window: TestWindow(kernel: [1, 1, 1])),
    ]

    func check(_ c: Case, seed: UInt64, threads: Int, constantWeights: Bool, activation: String? = nil,
               file: StaticString = #filePath, line: UInt = #line) throws {
        var rng = SeededRandom(seed: seed)
        let x = rng.tensor(c.input)
        let w = rng.tensor([c.outChannels, c.input[1] / c.group] + c.window.kernel)
        let b = c.bias ? rng.tensor([c.outChannels]) : nil
        var attrs = c.window.attributes
        attrs["group"] = .int(c.group)
        if let activation { attrs["activation"] = .string(activation) }
        let y = try SingleNode.run("Conv", [x, w, b], attributes: attrs,
                                   constants: constantWeights ? [1, 2] : [], threads: threads)[0]
        var expected = referenceConv(x, w, b, group: c.group, c.window)
        if activation == "Relu" { expected = try Tensor(expected.scalars(as: Float.self).map { max($0, 0) }, shape: expected.shape) }
        XCTAssertEqual(y.shape, expected.shape, file: file, line: line)
        XCTAssertTrue(allClose(y, expected, rtol: 1e-4, atol: 1e-5), "\(c) diff \(maxDifference(y, expected))", file: file, line: line)
    }

    func testAllGeometriesRuntimeWeights() throws {
        for (i, c) in Self.cases.enumerated() {
            try check(c, seed: UInt64(i), threads: 1, constantWeights: false)
        }
    }

    /// Weights as initializers (input stays a runtime value): the pre-packed path.
    func testAllGeometriesPackedWeightsTwoThreads() throws {
        for (i, c) in Self.cases.enumerated() {
            try check(c, seed: UInt64(100 + i), threads: 2, constantWeights: true)
            try check(c, seed: UInt64(200 + i), threads: 1, constantWeights: true, activation: "Relu")
        }
    }

    /// A larger layer so the SGEMM and depthwise kernels actually split work across threads.
    func testLargeLayersTwoThreads() throws {
        try check(Case(input: [1, 16, 14, 14], outChannels: 32, window: TestWindow(kernel: [3, 3], pads: [1, 1, 1, 1])),
                  seed: 7, threads: 2, constantWeights: true)
        try check(Case(input: [1, 32, 28, 28], outChannels: 32, group: 32, window: TestWindow(kernel: [3, 3], pads: [1, 1, 1, 1])),
                  seed: 8, threads: 2, constantWeights: true, activation: "Relu")
        try check(Case(input: [1, 64, 14, 14], outChannels: 64, window: TestWindow(kernel: [1, 1])),
                  seed: 9, threads: 2, constantWeights: false)
    }

    func testAutoPad() throws {
        var rng = SeededRandom(seed: 42)
        let x = rng.tensor([1, 2, 7, 8])
        // H: out = ceil(7/2) = 4, total pad = 3·2 + 3 − 7 = 2 (1 + 1).
        // W: out = ceil(8/3) = 3, total pad = 2·3 + 3 − 8 = 1 (UPPER: 0 + 1, LOWER: 1 + 0).
        let w3 = rng.tensor([3, 2, 3, 3])
        let upper = try SingleNode.run("Conv", [x, w3], attributes: ["strides": .ints([2, 3]), "auto_pad": .string("SAME_UPPER")])[0]
        XCTAssertTrue(allClose(upper, referenceConv(x, w3, nil, group: 1, TestWindow(kernel: [3, 3], strides: [2, 3], pads: [1, 0, 1, 1]))))
        let lower = try SingleNode.run("Conv", [x, w3], attributes: ["strides": .ints([2, 3]), "auto_pad": .string("SAME_LOWER")])[0]
        XCTAssertTrue(allClose(lower, referenceConv(x, w3, nil, group: 1, TestWindow(kernel: [3, 3], strides: [2, 3], pads: [1, 1, 1, 0]))))
        let valid = try SingleNode.run("Conv", [x, w3], attributes: ["pads": .ints([1, 1, 1, 1]), "auto_pad": .string("VALID")])[0]
        XCTAssertTrue(allClose(valid, referenceConv(x, w3, nil, group: 1, TestWindow(kernel: [3, 3]))))
        XCTAssertEqual(valid.shape, [1, 3, 5, 6])
    }

    func testEmptyBatch() throws {
        var rng = SeededRandom(seed: 5)
        let x = try Tensor(zeros: .float32, shape: [0, 4, 6, 6])
        for (w, group) in [(rng.tensor([8, 4, 3, 3]), 1), (rng.tensor([4, 1, 3, 3]), 4)] {
            let y = try SingleNode.run("Conv", [x, w], attributes: ["group": .int(group)], constants: [1])[0]
            XCTAssertEqual(y.shape, [0, w.shape[0], 4, 4])
        }
    }

    func testErrors() {
        var rng = SeededRandom(seed: 1)
        let x = rng.tensor([1, 4, 5, 5])
        func expectError(_ w: Tensor, _ b: Tensor? = nil, _ attrs: [String: Attribute], _ what: String) {
            XCTAssertThrowsError(try SingleNode.run("Conv", [x, w, b], attributes: attrs), what) { e in
                XCTAssertTrue(e is EdgeError, "\(what): \(e)")
            }
        }
        expectError(rng.tensor([2, 3, 3, 3]), nil, [:], "channel mismatch")
        expectError(rng.tensor([3, 1, 3, 3]), nil, ["group": .int(3)], "group does not divide channels")
        expectError(rng.tensor([3, 2, 3, 3]), nil, ["group": .int(2)], "group does not divide output channels")
        expectError(rng.tensor([2, 4, 3, 3]), nil, ["strides": .ints([0, 1])], "zero stride")
        expectError(rng.tensor([2, 4, 3, 3]), nil, ["pads": .ints([-1, 0, 0, 0])], "negative pad")
        expectError(rng.tensor([2, 4, 7, 7]), nil, [:], "kernel larger than input")
        expectError(rng.tensor([2, 4, 3, 3]), rng.tensor([3]), [:], "bias shape")
        expectError(rng.tensor([2, 4, 3]), nil, [:], "weight rank")
        expectError(rng.tensor([2, 4, 3, 3]), nil, ["kernel_shape": .ints([2, 2])], "kernel_shape mismatch")
        expectError(rng.tensor([2, 4, 3, 3]), nil, ["auto_pad": .string("FULL")], "bad auto_pad")
        expectError(rng.tensor([2, 4, 3, 3]), nil, ["dilations": .ints([1])], "dilations length")
        expectError(rng.tensor([2, 4, 3, 3]), nil, ["group": .int(0)], "group zero")
        expectError(rng.tensor([2, 4, 3, 3]), nil, ["dilations": .ints([Int.max / 2, 1])], "overflowing dilation")
        expectError(rng.tensor([2, 4, 3, 3]), nil, ["pads": .ints([Int.max, 0, 0, 0])], "overflowing pad")
        expectError(rng.tensor([2, 4, 3, 3]), nil, ["strides": .ints([Int.max, 1])], "overflowing stride")
    }
}
