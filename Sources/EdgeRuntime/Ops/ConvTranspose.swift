import CEdgeKernels

/// ONNX ConvTranspose (float32, 1-D/2-D/3-D): groups, strides, pads, dilations,
/// output_padding, output_shape, auto_pad, optional bias, fused activation.
///
/// Per image and group: col[Mg·k, in] = W_gᵀ · X_g (SGEMM, constant weights packed once),
/// then col2im scatters every column entry into the output position it maps to — the exact
/// adjoint of Conv's im2col with the same window.
enum ConvTransposeOp: OpDefinition {
    static let opTypes = ["ConvTranspose"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32]), w = try ctx.input(1, oneOf: [.float32])
        guard x.rank >= 3 && x.rank <= 5 else {
            throw ctx.fail("input must be N×C×D1[×D2[×D3]] (rank 3–5), got shape \(x.shape)")
        }
        guard w.rank == x.rank else { throw ctx.fail("weights \(w.shape) must have the same rank as the input \(x.shape)") }
        let group = try ctx.attributes.int("group", default: 1)
        let c = x.shape[1]
        guard group >= 1, c % group == 0 else { throw ctx.fail("group \(group) does not divide the \(c) input channels") }
        guard w.shape[0] == c else { throw ctx.fail("weights \(w.shape) expect \(w.shape[0]) input channels, input has \(c)") }
        let mg = w.shape[1], m = mg * group, cg = c / group
        let kernel = try ctx.convKernel(weights: w)
        let hasBias = try ctx.hasChannelBias(at: 2, channels: m)
        let geo = try outputGeometry(ctx, input: Array(x.shape[2...]), kernel: kernel)
        let outType = TensorType(.float32, [x.shape[0], m] + geo.input)
        _ = try ShapeMath.elementCount(outType.shape)
        let batch = x.shape[0]
        if batch == 0 || m == 0 { return Prepared(outputTypes: [outType]) { _ in } }

        let taps = kernel.reduce(1, *), rows = mg * taps
        let inPlane = geo.output.reduce(1, *), outPlane = geo.input.reduce(1, *)
        let act = try FusedActivation.attached(to: ctx.node).kernelValue
        let pool = ctx.options.pool
        let packed: PackedMatrices? = ctx.constant(1).map { t in
            PackedMatrices.leftOperands(count: group, m: rows, k: cg, transposed: true, lda: rows) { t.floatPointer + $0 * cg * rows }
        }
        let scatter = ColumnBuilder(geometry: geo, channels: mg)
        let none = Int32(EK_BIAS_NONE.rawValue)
        let scratch = try ShapeMath.elementCount([rows, inPlane]) * MemoryLayout<Float>.size
        return Prepared(outputTypes: [outType], scratchBytes: scratch) { io in
            let xs = io.floats(0), y = io.outputFloats(0)
            let col = io.scratch.unsafelyUnwrapped.assumingMemoryBound(to: Float.self)
            let bias: UnsafePointer<Float>? = hasBias ? io.floats(2) : nil
            for n in 0..<batch {
                let image = y + n * m * outPlane
                image.update(repeating: 0, count: m * outPlane)
                for g in 0..<group {
                    let src = xs + (n * c + g * cg) * inPlane
                    if let packed {
                        ek_sgemm_packed_a(Int64(rows), Int64(inPlane), Int64(cg), packed.pointer(g), src, Int64(inPlane),
                                          0, col, Int64(inPlane), nil, none, FusedActivation.none.kernelValue, pool)
                    } else {
                        ek_sgemm(1, 0, Int64(rows), Int64(inPlane), Int64(cg), io.floats(1) + g * cg * rows, Int64(rows),
                                 src, Int64(inPlane), 0, col, Int64(inPlane), nil, none, FusedActivation.none.kernelValue, pool)
                    }
                    scatter.scatter(col, image + g * mg * outPlane)
                }
                if let bias {
                    for ch in 0..<m {
                        let p = image + ch * outPlane, b = bias[ch]
                        for i in 0..<outPlane { p[i] += b }
                    }
                }
                ek_activation_apply(image, image, m * outPlane, act)
            }
        }
    }

    /// The forward-Conv window that this ConvTranspose is the adjoint of: its `input` is the
    /// ConvTranspose output size, its `output` the ConvTranspose input size.
    static func outputGeometry(_ ctx: PrepareContext, input: [Int], kernel: [Int]) throws(EdgeError) -> WindowGeometry {
        let a = ctx.attributes
        let r = input.count
        func list(_ name: String, _ count: Int, _ fallback: Int) throws(EdgeError) -> [Int] {
            guard let v = try a.ints(name), !v.isEmpty else { return [Int](repeating: fallback, count: count) }
            guard v.count == count else { throw ctx.fail("'\(name)' has \(v.count) values, expected \(count)") }
            return v
        }
        let strides = try list("strides", r, 1), dilations = try list("dilations", r, 1)
        let outputPadding = try list("output_padding", r, 0)
        guard strides.allSatisfy({ $0 >= 1 }) else { throw ctx.fail("strides must be positive, got \(strides)") }
        guard dilations.allSatisfy({ $0 >= 1 }) else { throw ctx.fail("dilations must be positive, got \(dilations)") }
        guard kernel.allSatisfy({ $0 >= 1 }) else { throw ctx.fail("kernel sizes must be positive, got \(kernel)") }
        guard input.allSatisfy({ $0 >= 1 }) else { throw ctx.fail("spatial input size \(input) has an empty dimension") }
        let limit = WindowGeometry.attributeLimit
        guard (strides + dilations + kernel).allSatisfy({ $0 <= limit }) else {
            throw ctx.fail("kernel \(kernel), strides \(strides) and dilations \(dilations) must not exceed \(limit)")
        }
        for i in 0..<r where outputPadding[i] < 0 || outputPadding[i] >= max(strides[i], dilations[i]) {
            throw ctx.fail("output_padding \(outputPadding) must be below the stride or dilation on each axis")
        }
        // Size of the full (unpadded) result on each axis.
        var full = [Int](repeating: 0, count: r)
        for i in 0..<r {
            let span = (kernel[i] - 1) * dilations[i] + 1
            full[i] = strides[i] * (input[i] - 1) + outputPadding[i] + span
        }
        let autoPad = try a.string("auto_pad", default: "NOTSET")
        var target: [Int]? = nil
        if var shape = try a.ints("output_shape"), !shape.isEmpty {
            guard shape.count >= r else { throw ctx.fail("output_shape \(shape) has fewer than \(r) spatial sizes") }
            shape = Array(shape.suffix(r))
            guard shape.allSatisfy({ $0 >= 1 && $0 <= ShapeMath.maxElements }) else { throw ctx.fail("invalid output_shape \(shape)") }
            target = shape
        } else if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
            target = (0..<r).map { input[$0] * strides[$0] }
        }
        var padBegin = [Int](repeating: 0, count: r), padEnd = padBegin
        switch (target, autoPad) {
        case (let t?, _):
            for i in 0..<r {
                let total = full[i] - t[i]
                guard total >= 0 else { throw ctx.fail("output_shape \(t) is larger than the full result \(full)") }
                padBegin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
                padEnd[i] = total - padBegin[i]
            }
        case (nil, "VALID"):
            break
        case (nil, "NOTSET"), (nil, ""):
            let pads = try list("pads", 2 * r, 0)
            guard pads.allSatisfy({ $0 >= 0 && $0 <= limit }) else { throw ctx.fail("pads must lie in [0, \(limit)], got \(pads)") }
            padBegin = Array(pads[..<r])
            padEnd = Array(pads[r...])
        default:
            throw ctx.fail("unknown auto_pad '\(autoPad)'")
        }
        let out = (0..<r).map { full[$0] - padBegin[$0] - padEnd[$0] }
        guard out.allSatisfy({ $0 >= 1 }) else { throw ctx.fail("pads \(padBegin + padEnd) leave an empty output (\(out))") }
        return WindowGeometry(input: out, kernel: kernel, strides: strides, dilations: dilations,
                              padBegin: padBegin, padEnd: padEnd, output: input)
    }
}
