import XCTest
import EdgeRuntime
import EdgeTestSupport
import Foundation

/// Resize against references written from the ONNX spec: nearest picks one source index per
/// axis; linear sums the 2^k corner samples with tensor-product weights (not separable passes).
/// Tolerance for linear: rtol 1e-4, atol 1e-5.
final class ResizeTests: XCTestCase {
    private func sourceCoordinate(_ i: Int, _ mode: String, scale: Double, inLen: Int, outLen: Int) -> Double {
        let x = Double(i)
        if scale == 1 && inLen == outLen { return x }  // unscaled dimensions are copied (as ONNX Runtime does)
        switch mode {
        case "half_pixel": return (x + 0.5) / scale - 0.5
        case "pytorch_half_pixel": return outLen > 1 ? (x + 0.5) / scale - 0.5 : 0
        case "align_corners": return outLen == 1 ? 0 : x * Double(inLen - 1) / Double(outLen - 1)
        case "asymmetric": return x / scale
        case "tf_half_pixel_for_nn": return (x + 0.5) / scale
        default: fatalError(mode)
        }
    }

    private func nearestIndex(_ c: Double, _ rule: String, _ n: Int) -> Int {
        let f = floor(c), frac = c - f
        let r: Double
        switch rule {
        case "round_prefer_floor": r = frac <= 0.5 ? f : f + 1
        case "round_prefer_ceil": r = frac < 0.5 ? f : f + 1
        case "floor": r = f
        default: r = ceil(c)
        }
        return min(max(Int(r), 0), n - 1)
    }

    private func reference(_ x: Tensor, out: [Int], scales: [Double], mode: String, transform: String, rule: String) -> Tensor {
        let shape = x.shape, xs = x.scalars(as: Float.self)
        var result: [Float] = []
        for idx in Ref.indices(out) {
            if mode == "nearest" {
                let src = (0..<shape.count).map { d in
                    nearestIndex(sourceCoordinate(idx[d], transform, scale: scales[d], inLen: shape[d], outLen: out[d]), rule, shape[d])
                }
                result.append(xs[Ref.flat(src, shape)])
                continue
            }
            var corners: [([Int], Double)] = [([], 1)]
            for d in 0..<shape.count {
                let c = sourceCoordinate(idx[d], transform, scale: scales[d], inLen: shape[d], outLen: out[d])
                let f = floor(c), w = c - f
                let lo = min(max(Int(f), 0), shape[d] - 1), hi = min(max(Int(f) + 1, 0), shape[d] - 1)
                corners = corners.flatMap { [($0.0 + [lo], $0.1 * (1 - w)), ($0.0 + [hi], $0.1 * w)] }
            }
            result.append(Float(corners.reduce(0.0) { $0 + $1.1 * Double(xs[Ref.flat($1.0, shape)]) }))
        }
        return try! Tensor(result, shape: out)
    }

    private let transforms = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn"]

    func testNearestWithScalesAllTransformsAndRoundings() throws {
        var rng = SeededRandom(seed: 2)
        let x = rng.tensor([1, 2, 3, 4])
        for scales: [Float] in [[1, 1, 2, 2], [1, 1, 0.5, 1.5], [1, 1, 1.7, 0.6]] {
            let out = zip(x.shape, scales).map { Int(floor(Double($0) * Double($1))) }
            for t in transforms {
                for rule in ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"] {
                    let y = try SingleNode.run("Resize", [x, nil, try Tensor(scales, shape: [4])],
                                               attributes: ["mode": .string("nearest"), "coordinate_transformation_mode": .string(t), "nearest_mode": .string(rule)],
                                               constants: [2])[0]
                    let r = reference(x, out: out, scales: scales.map(Double.init), mode: "nearest", transform: t, rule: rule)
                    XCTAssertEqual(y.shape, out)
                    XCTAssertEqual(y.scalars(as: Float.self), r.scalars(as: Float.self), "\(scales) \(t) \(rule)")
                }
            }
        }
    }

    func testNearestIsDtypeAgnostic() throws {
        let x = try Tensor([Int64(1), 2, 3, 4], shape: [1, 1, 2, 2])
        let y = try SingleNode.run("Resize", [x, nil, nil, int64s([1, 1, 4, 4])], attributes: ["coordinate_transformation_mode": .string("asymmetric"), "nearest_mode": .string("floor")], constants: [3])[0]
        XCTAssertEqual(y.scalars(as: Int64.self), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    }

    func testLinear1D3D4DWithSizesAndScales() throws {
        var rng = SeededRandom(seed: 8)
        let cases: [([Int], [Int])] = [([5], [9]), ([7], [3]), ([2, 3, 4], [2, 5, 7]), ([1, 2, 4, 5], [1, 2, 8, 3]),
                                       ([1, 3, 4, 4], [1, 3, 4, 4]), ([2, 1, 3, 3], [2, 1, 1, 1]), ([1, 1, 2, 3, 4], [1, 1, 3, 5, 2])]
        for (shape, out) in cases {
            let x = rng.tensor(shape)
            let scales = zip(out, shape).map { Double($0) / Double($1) }
            for t in transforms {
                let y = try SingleNode.run("Resize", [x, nil, nil, int64s(out)],
                                           attributes: ["mode": .string("linear"), "coordinate_transformation_mode": .string(t)], constants: [3])[0]
                let r = reference(x, out: out, scales: scales, mode: "linear", transform: t, rule: "")
                XCTAssertTrue(allClose(y, r), "\(shape)→\(out) \(t): \(maxDifference(y, r))")
            }
        }
        // Scales input with non-integer output length and the default (half_pixel) transform.
        let x = rng.tensor([1, 1, 3, 5])
        let y = try SingleNode.run("Resize", [x, try Tensor([Float](), shape: [0]), try Tensor([Float(1), 1, 2.5, 0.7], shape: [4])],
                                   attributes: ["mode": .string("linear")], constants: [1, 2])[0]
        XCTAssertEqual(y.shape, [1, 1, 7, 3])
        XCTAssertTrue(allClose(y, reference(x, out: [1, 1, 7, 3], scales: [1, 1, 2.5, Double(Float(0.7))], mode: "linear", transform: "half_pixel", rule: "")))
    }

    /// Expected values copied from the ONNX operator documentation examples.
    func testOnnxDocumentationExamples() throws {
        let x = try Tensor([Float(1), 2, 3, 4], shape: [1, 1, 2, 2])
        let scales = try Tensor([Float(1), 1, 2, 2], shape: [4])
        let linear = try SingleNode.run("Resize", [x, nil, scales], attributes: ["mode": .string("linear")], constants: [2])[0]
        XCTAssertEqual(linear.scalars(as: Float.self), [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4])
        let corners = try SingleNode.run("Resize", [x, nil, scales], attributes: ["mode": .string("linear"), "coordinate_transformation_mode": .string("align_corners")], constants: [2])[0]
        let expected: [Float] = [1, 4.0 / 3, 5.0 / 3, 2, 5.0 / 3, 2, 7.0 / 3, 8.0 / 3, 7.0 / 3, 8.0 / 3, 3, 10.0 / 3, 3, 10.0 / 3, 11.0 / 3, 4]
        XCTAssertTrue(allClose(corners, try Tensor(expected, shape: [1, 1, 4, 4])))
        let nearest = try SingleNode.run("Resize", [x, nil, try Tensor([Float(1), 1, 2, 3], shape: [4])], attributes: ["mode": .string("nearest")], constants: [2])[0]
        XCTAssertEqual(nearest.scalars(as: Float.self), [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4])
    }

    func testAxesAndKeepAspectRatio() throws {
        let x = iota([1, 2, 4, 6])
        let y = try SingleNode.run("Resize", [x, nil, nil, int64s([8, 12])], attributes: ["axes": .ints([2, 3])], constants: [3])[0]
        XCTAssertEqual(y.shape, [1, 2, 8, 12])
        let notLarger = try SingleNode.run("Resize", [x, nil, nil, int64s([8, 8])], attributes: ["axes": .ints([-2, -1]), "keep_aspect_ratio_policy": .string("not_larger")], constants: [3])[0]
        XCTAssertEqual(notLarger.shape, [1, 2, 5, 8])
        let notSmaller = try SingleNode.run("Resize", [x, nil, nil, int64s([8, 8])], attributes: ["axes": .ints([2, 3]), "keep_aspect_ratio_policy": .string("not_smaller")], constants: [3])[0]
        XCTAssertEqual(notSmaller.shape, [1, 2, 8, 12])
    }

    func testUnsupportedAndInvalid() {
        let x = iota([1, 1, 2, 2])
        let sizes = int64s([1, 1, 4, 4])
        func resize(_ attrs: [String: Attribute], _ inputs: [Tensor?]? = nil, constants: Set<Int> = [3]) throws {
            _ = try SingleNode.run("Resize", inputs ?? [x, nil, nil, sizes], attributes: attrs, constants: constants)
        }
        assertEdgeError(.unsupported) { try resize(["mode": .string("cubic")]) }
        assertEdgeError(.unsupported) { try resize(["coordinate_transformation_mode": .string("tf_crop_and_resize")]) }
        assertEdgeError(.unsupported) { try resize(["mode": .string("linear"), "antialias": .int(1)]) }
        assertEdgeError(.unsupported) { try resize(["mode": .string("linear")], [int64s([1, 2]), nil, nil, int64s([4])]) }
        assertEdgeError(.invalidGraph) { try resize(["mode": .string("bicubic")]) }
        assertEdgeError(.invalidGraph) { try resize(["nearest_mode": .string("up")]) }
        assertEdgeError(.invalidGraph) { try resize([:], [x, nil, nil, nil], constants: []) }
        assertEdgeError(.invalidGraph) { try resize([:], [x, nil, try! Tensor([Float(1), 1, 2, 2], shape: [4]), sizes], constants: [2, 3]) }
        assertEdgeError(.invalidGraph) { try resize([:], [x, nil, nil, int64s([4, 4])]) }
        assertEdgeError(.invalidGraph) { try resize([:], [x, nil, try! Tensor([Float(1), 1, -2, 2], shape: [4])], constants: [2]) }
        assertEdgeError(.unsupported) { try resize([:], [x, nil, nil, sizes], constants: []) }
    }
}
