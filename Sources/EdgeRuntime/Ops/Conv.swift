import CEdgeKernels

/// ONNX Conv (float32, NCHW): 1-D, 2-D and 3-D; groups (incl. depthwise with a channel
/// multiplier), strides, pads, dilations, auto_pad, optional bias and a fused activation.
///
/// Paths, chosen once at prepare:
/// - depthwise (group == input channels, 1-D/2-D) → `ek_conv2d_depthwise`;
/// - few input channels (Cin ≤ 4, e.g. an RGB stem) → `ek_conv2d_small_cin`, a direct
///   kernel: im2col would copy each pixel up to kh·kw times for a GEMM with tiny K;
/// - 1×1, stride 1, no padding → SGEMM straight on the input (no im2col);
/// - otherwise im2col (`ek_im2col`; a Swift vol2col for 3-D) into scratch + SGEMM.
/// Constant weights are packed once (`ek_sgemm_pack_a`), or, when at least half of them are
/// zero (unstructured pruning), into CSR for `ek_spgemm` (see `SparseWeights`) on the
/// pointwise / im2col paths. 1-D runs as 2-D with height 1.
enum ConvOp: OpDefinition {
    static let opTypes = ["Conv"]

    /// Validated shapes of one Conv node.
    struct Spec {
        var batch: Int, channels: Int, outChannels: Int, group: Int
        var geometry: WindowGeometry
        var hasBias: Bool
        var activation: FusedActivation

        var channelsPerGroup: Int { channels / group }
        var outPerGroup: Int { outChannels / group }
        var inPlane: Int { geometry.input.reduce(1, *) }
        var outPlane: Int { geometry.output.reduce(1, *) }
        /// Rows of the im2col matrix = columns of one group's weight matrix.
        var patch: Int { channelsPerGroup * geometry.kernel.reduce(1, *) }
    }

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let spec = try validate(ctx)
        let outType = TensorType(.float32, [spec.batch, spec.outChannels] + spec.geometry.output)
        _ = try ShapeMath.elementCount(outType.shape)
        if spec.batch == 0 || spec.outChannels == 0 {
            return Prepared(outputTypes: [outType]) { _ in }
        }
        // A single-input-channel conv with several outputs (group 1, e.g. a spectrogram stem) is
        // a depthwise conv with a channel multiplier, but the regular paths below run it faster
        // (measured: DS-CNN stem 1→64 3×3/2 on 49×40, 14.8 µs depthwise vs 11 µs small-Cin).
        let multiplierStem = spec.group == 1 && spec.outChannels > 1
        if spec.geometry.rank <= 2 && spec.channelsPerGroup == 1 && !multiplierStem {
            return depthwise(spec, outType, ctx.options.pool)
        }
        if spec.geometry.rank <= 2 && spec.group == 1 {
            var g = spec.geometry.as2D.kernelGeometry(channels: spec.channels)
            if ek_conv2d_small_cin_supported(&g) != 0 { return smallInputChannels(spec, g, outType, ctx.options.pool) }
        }
        return try im2colGemm(ctx, spec, outType)
    }

    static func validate(_ ctx: PrepareContext) throws(EdgeError) -> Spec {
        let x = try ctx.input(0, oneOf: [.float32])
        let w = try ctx.input(1, oneOf: [.float32])
        guard x.rank >= 3 && x.rank <= 5 else {
            throw ctx.fail("input must be N×C×D1[×D2[×D3]] (rank 3–5), got shape \(x.shape)")
        }
        guard w.rank == x.rank else {
            throw ctx.fail("weights \(w.shape) must have the same rank as the input \(x.shape)")
        }
        let group = try ctx.attributes.int("group", default: 1)
        let c = x.shape[1], m = w.shape[0]
        guard group >= 1 else { throw ctx.fail("group must be positive, got \(group)") }
        guard c % group == 0 else { throw ctx.fail("group \(group) does not divide the \(c) input channels") }
        guard m % group == 0 else { throw ctx.fail("group \(group) does not divide the \(m) output channels") }
        guard w.shape[1] * group == c else {
            throw ctx.fail("weights \(w.shape) with group \(group) expect \(w.shape[1] * group) input channels, input has \(c)")
        }
        let kernel = try ctx.convKernel(weights: w)
        let hasBias = try ctx.hasChannelBias(at: 2, channels: m)
        let geometry = try WindowGeometry(node: ctx.node, input: Array(x.shape[2...]), kernel: kernel)
        return Spec(batch: x.shape[0], channels: c, outChannels: m, group: group, geometry: geometry,
                    hasBias: hasBias, activation: try FusedActivation.attached(to: ctx.node))
    }

    /// One output channel per (input channel × multiplier); every channel convolved on its own.
    private static func depthwise(_ spec: Spec, _ outType: TensorType, _ pool: OpaquePointer?) -> Prepared {
        var g = spec.geometry.as2D.kernelGeometry(channels: spec.channels)
        let multiplier = Int64(spec.outChannels / spec.channels)
        let inImage = spec.channels * spec.inPlane, outImage = spec.outChannels * spec.outPlane
        let act = spec.activation.kernelValue
        let hasBias = spec.hasBias, batch = spec.batch
        return Prepared(outputTypes: [outType]) { io in
            let x = io.floats(0), w = io.floats(1), y = io.outputFloats(0)
            let bias: UnsafePointer<Float>? = hasBias ? io.floats(2) : nil
            for n in 0..<batch {
                ek_conv2d_depthwise(x + n * inImage, w, bias, y + n * outImage, &g, multiplier, act, pool)
            }
        }
    }

    /// Direct convolution for a handful of input channels (weights read in ONNX layout).
    private static func smallInputChannels(_ spec: Spec, _ geometry: ek_conv2d_geometry, _ outType: TensorType, _ pool: OpaquePointer?) -> Prepared {
        var g = geometry
        let inImage = spec.channels * spec.inPlane, outImage = spec.outChannels * spec.outPlane
        let act = spec.activation.kernelValue
        let hasBias = spec.hasBias, batch = spec.batch, outChannels = Int64(spec.outChannels)
        return Prepared(outputTypes: [outType]) { io in
            let x = io.floats(0), w = io.floats(1), y = io.outputFloats(0)
            let bias: UnsafePointer<Float>? = hasBias ? io.floats(2) : nil
            for n in 0..<batch {
                // Cannot fail: support was checked for this exact geometry at prepare time.
                _ = ek_conv2d_small_cin(x + n * inImage, w, bias, y + n * outImage, &g, outChannels, act, pool)
            }
        }
    }

    /// Per image and group: Y_g[Mg, P] = W_g[Mg, K] · col_g[K, P] (+ bias, activation).
    private static func im2colGemm(_ ctx: PrepareContext, _ spec: Spec, _ outType: TensorType) throws(EdgeError) -> Prepared {
        let geo = spec.geometry
        let pointwise = geo.kernel.allSatisfy { $0 == 1 } && geo.strides.allSatisfy { $0 == 1 }
            && geo.padBegin.allSatisfy { $0 == 0 } && geo.padEnd.allSatisfy { $0 == 0 }
        let mg = spec.outPerGroup, k = spec.patch, p = spec.outPlane, cg = spec.channelsPerGroup
        let groups = spec.group, batch = spec.batch
        let inImage = spec.channels * spec.inPlane, inGroup = cg * spec.inPlane
        let outImage = spec.outChannels * p, outGroup = mg * p
        let act = spec.activation.kernelValue
        let pool = ctx.options.pool
        let hasBias = spec.hasBias
        let sparse: SparseWeights? = ctx.constant(1).flatMap { w in
            SparseWeights.packIfSparse(count: groups, m: mg, k: k, ldw: k) { w.floatPointer + $0 * mg * k }
        }
        let packed: PackedMatrices? = sparse != nil ? nil : ctx.constant(1).map { w in
            PackedMatrices.leftOperands(count: groups, m: mg, k: k, transposed: false, lda: k) { w.floatPointer + $0 * mg * k }
        }
        let colBuilder = ColumnBuilder(geometry: geo, channels: cg)
        let scratch = pointwise ? 0 : try ShapeMath.elementCount([k, p]) * MemoryLayout<Float>.size
        return Prepared(outputTypes: [outType], scratchBytes: scratch) { io in
            let x = io.floats(0), y = io.outputFloats(0)
            let bias: UnsafePointer<Float>? = hasBias ? io.floats(2) : nil
            let col = io.scratch?.assumingMemoryBound(to: Float.self)
            for n in 0..<batch {
                for g in 0..<groups {
                    let src = x + n * inImage + g * inGroup
                    let b: UnsafePointer<Float>
                    if let col {
                        colBuilder.build(src, col)
                        b = UnsafePointer(col)
                    } else {
                        b = src
                    }
                    let out = y + n * outImage + g * outGroup
                    let gb = bias.map { $0 + g * mg }
                    if let sparse {
                        // Cannot fail: packed for exactly these dimensions.
                        _ = ek_spgemm(Int64(mg), Int64(p), Int64(k), sparse.pointer(g), b, Int64(p), out, Int64(p), gb, act, pool)
                    } else if let packed {
                        ek_sgemm_packed_a(Int64(mg), Int64(p), Int64(k), packed.pointer(g), b, Int64(p), 0, out, Int64(p),
                                          gb, Int32(EK_BIAS_PER_ROW.rawValue), act, pool)
                    } else {
                        ek_sgemm(0, 0, Int64(mg), Int64(p), Int64(k), io.floats(1) + g * mg * k, Int64(k), b, Int64(p),
                                 0, out, Int64(p), gb, Int32(EK_BIAS_PER_ROW.rawValue), act, pool)
                    }
                }
            }
        }
    }
}
