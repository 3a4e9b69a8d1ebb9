#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resize's per-axis coordinate mapping (ONNX opset 19 semantics): output sizes from `scales`
/// or `sizes` (+ `axes`, `keep_aspect_ratio_policy`) and the map from an output coordinate to
/// the input coordinate it samples.
struct ResizeGeometry {
    enum Transform: String {
        case halfPixel = "half_pixel", halfPixelSymmetric = "half_pixel_symmetric"
        case pytorchHalfPixel = "pytorch_half_pixel", alignCorners = "align_corners"
        case asymmetric, tfHalfPixelForNN = "tf_half_pixel_for_nn"
    }

    let inShape: [Int]
    let outShape: [Int]
    /// Scale per dimension used by the coordinate transform (1 for untouched dimensions).
    let scales: [Double]
    let transform: Transform

    init(_ ctx: PrepareContext, input x: TensorType) throws(EdgeError) {
        let a = ctx.attributes
        let name = try a.string("coordinate_transformation_mode", default: "half_pixel")
        guard name != "tf_crop_and_resize" else {
            throw EdgeError(.unsupported, "\(ctx.node.label): coordinate_transformation_mode tf_crop_and_resize is not supported")
        }
        guard let t = Transform(rawValue: name) else { throw ctx.fail("unknown coordinate_transformation_mode '\(name)'") }
        transform = t
        let rank = x.rank
        let axes = try ctx.normalizedAxes(try a.ints("axes") ?? Array(0..<rank), rank: rank)
        let scalesIn = try ResizeGeometry.nonEmptyConstant(ctx, 2, "scales")
        let sizesIn = try ResizeGeometry.nonEmptyConstant(ctx, 3, "sizes")
        var scales = [Double](repeating: 1, count: rank)
        var out = x.shape
        switch (scalesIn, sizesIn) {
        case (let s?, nil):
            let values = try s.floatValues()
            guard values.count == axes.count else { throw ctx.fail("scales has \(values.count) values for \(axes.count) axes") }
            for (i, d) in axes.enumerated() {
                let scale = Double(values[i])
                guard scale > 0, scale.isFinite else { throw ctx.fail("scale \(values[i]) must be positive") }
                scales[d] = scale
                let n = (Double(x.shape[d]) * scale).rounded(.down)
                guard n < Double(ShapeMath.maxElements) else { throw EdgeError(.tooLarge, "\(ctx.node.label): output too large") }
                out[d] = Int(n)
            }
        case (nil, let s?):
            let sizes = try s.intValues()
            guard sizes.count == axes.count else { throw ctx.fail("sizes has \(sizes.count) values for \(axes.count) axes") }
            guard sizes.allSatisfy({ $0 >= 0 && $0 < ShapeMath.maxElements }) else { throw ctx.fail("sizes \(sizes) out of range") }
            let policy = try a.string("keep_aspect_ratio_policy", default: "stretch")
            if policy == "stretch" {
                for (i, d) in axes.enumerated() {
                    out[d] = sizes[i]
                    scales[d] = x.shape[d] > 0 ? Double(sizes[i]) / Double(x.shape[d]) : 1
                }
            } else {
                guard policy == "not_larger" || policy == "not_smaller" else { throw ctx.fail("unknown keep_aspect_ratio_policy '\(policy)'") }
                let ratios = axes.enumerated().map { Double(sizes[$0.offset]) / Double(max(x.shape[$0.element], 1)) }
                let s = (policy == "not_larger" ? ratios.min() : ratios.max()) ?? 1
                for d in axes {
                    scales[d] = s
                    out[d] = Int((s * Double(x.shape[d])).rounded())
                }
            }
        case (nil, nil): throw ctx.fail("needs either scales or sizes")
        default: throw ctx.fail("takes scales or sizes, not both")
        }
        for d in 0..<rank where x.shape[d] == 0 && out[d] > 0 {
            throw ctx.fail("cannot resize empty dimension \(d) to \(out[d])")
        }
        _ = try ShapeMath.elementCount(out)
        inShape = x.shape
        outShape = out
        self.scales = scales
    }

    private static func nonEmptyConstant(_ ctx: PrepareContext, _ i: Int, _ what: String) throws(EdgeError) -> Tensor? {
        guard ctx.hasInput(i), try ctx.input(i).count > 0 else { return nil }
        return try ctx.requireConstant(i, what)
    }

    /// Input coordinate sampled by output index `i` along dimension `d`.
    func source(_ i: Int, dim d: Int) -> Double {
        let x = Double(i), scale = scales[d]
        let inLen = Double(inShape[d]), outLen = outShape[d]
        switch transform {
        case .halfPixel: return (x + 0.5) / scale - 0.5
        case .halfPixelSymmetric:
            let adjustment = Double(outLen) / (scale * inLen)
            let offset = inLen / 2 * (1 - adjustment)
            return offset + (x + 0.5) / scale - 0.5
        case .pytorchHalfPixel: return outLen > 1 ? (x + 0.5) / scale - 0.5 : 0
        case .alignCorners: return outLen > 1 ? x * (inLen - 1) / Double(outLen - 1) : 0
        case .asymmetric: return x / scale
        case .tfHalfPixelForNN: return (x + 0.5) / scale
        }
    }
}
