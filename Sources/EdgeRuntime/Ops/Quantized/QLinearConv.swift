import CEdgeKernels

/// ONNX QLinearConv (NCHW, 1-D and 2-D) on the int8 kernels: u8/int8 activations × symmetric
/// s8 weights (per-tensor or per-output-channel), int32 bias, requantized output; may carry a
/// fused Relu/Clip (`activation` attributes, put there by `QDQFusion`) applied as the output clamp.
///
/// Paths, chosen at prepare (weights converted and packed once):
/// - depthwise (one input channel per group) → `ek_qconv2d_depthwise`;
/// - 1×1, stride 1, no padding → `ek_qgemm_packed_a` straight on the input;
/// - otherwise `ek_im2col_u8` (padding = x's zero point) into scratch + `ek_qgemm_packed_a`.
/// int8 activations are mapped onto the u8 kernels (see `ActivationStorage`): the input is
/// converted into scratch and the output flipped in place, one cheap pass each.
/// `QLinearLayer` lists the other fast-path requirements; 3-D convolutions are unsupported.
enum QLinearConvOp: OpDefinition {
    static let opTypes = ["QLinearConv"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.uint8, .int8]), w = try ctx.input(3, oneOf: [.uint8, .int8])
        guard x.rank == 3 || x.rank == 4 else {
            throw EdgeError(.unsupported, "\(ctx.node.label): QLinearConv supports N×C×W and N×C×H×W inputs, got \(x.shape)")
        }
        guard w.rank == x.rank else { throw ctx.fail("weights \(w.shape) must have the same rank as the input \(x.shape)") }
        let group = try ctx.attributes.int("group", default: 1)
        let c = x.shape[1], m = w.shape[0]
        guard group >= 1, c % group == 0, m % group == 0, w.shape[1] * group == c else {
            throw ctx.fail("group \(group) does not fit \(c) input channels and weights \(w.shape)")
        }
        let kernel = Array(w.shape[2...])
        if let ks = try ctx.attributes.ints("kernel_shape"), ks != kernel {
            throw ctx.fail("kernel_shape \(ks) does not match the weights \(w.shape)")
        }
        let geo = try WindowGeometry(node: ctx.node, input: Array(x.shape[2...]), kernel: kernel)
        let layer = try QLinearLayer.read(ctx, channels: m)
        let outType = TensorType(layer.output.dtype, [x.shape[0], m] + geo.output)
        _ = try ShapeMath.elementCount(outType.shape)
        let plan = ConvPlan(batch: x.shape[0], channels: c, outChannels: m, group: group, geometry: geo.as2D,
                            layer: layer, pool: ctx.options.pool)
        guard plan.patch <= Int(EK_QGEMM_MAX_K) else {
            throw EdgeError(.unsupported, "\(ctx.node.label): reduction length \(plan.patch) exceeds the int8 kernel limit \(EK_QGEMM_MAX_K)")
        }
        if plan.batch == 0 || m == 0 || plan.outPlane == 0 { return Prepared(outputTypes: [outType]) { _ in } }
        return plan.channelsPerGroup == 1 ? plan.depthwise(outType) : try plan.gemm(outType)
    }
}

/// Shapes and constants of one prepared QLinearConv.
private struct ConvPlan {
    var batch: Int, channels: Int, outChannels: Int, group: Int
    var geometry: WindowGeometry
    var layer: QLinearLayer
    var pool: OpaquePointer?

    var channelsPerGroup: Int { channels / group }
    var outPerGroup: Int { outChannels / group }
    var inPlane: Int { geometry.input.reduce(1, *) }
    var outPlane: Int { geometry.output.reduce(1, *) }
    var patch: Int { channelsPerGroup * geometry.kernel.reduce(1, *) }
    var inImage: Int { channels * inPlane }
    /// Scratch bytes for the u8 copy of an int8 input (all images), 64-byte rounded.
    var convertedInputBytes: Int { layer.input == .int8 ? (batch * inImage + 63) & ~63 : 0 }

    func depthwise(_ outType: TensorType) -> Prepared {
        var g = geometry.kernelGeometry(channels: channels)
        let multiplier = Int64(outChannels / channels)
        let weights = KernelBytes(layer.weights)
        let requant = layer.requant, pool = pool, batch = batch, inImage = inImage
        let outImage = outChannels * outPlane, total = batch * outImage
        let signedIn = layer.input == .int8, signedOut = layer.output == .int8
        return Prepared(outputTypes: [outType], scratchBytes: convertedInputBytes) { io in
            let x = Self.u8Input(io, signedIn, batch * inImage)
            let y = io.output(0).assumingMemoryBound(to: UInt8.self)
            var q = requant.stage()
            for n in 0..<batch {
                // Cannot fail: the geometry and weights were validated at prepare.
                _ = ek_qconv2d_depthwise(x + n * inImage, weights.int8, y + n * outImage, Int32(EK_QOUT_U8.rawValue),
                                         &g, multiplier, &q, pool)
            }
            if signedOut { flipSignBit(y, y, total) }
        }
    }

    func gemm(_ outType: TensorType) throws(EdgeError) -> Prepared {
        let pointwise = geometry.kernel.allSatisfy { $0 == 1 } && geometry.strides.allSatisfy { $0 == 1 }
            && geometry.padBegin.allSatisfy { $0 == 0 } && geometry.padEnd.allSatisfy { $0 == 0 }
        let mg = outPerGroup, k = patch, p = outPlane, groups = group, batch = batch, inImage = inImage
        let inGroup = channelsPerGroup * inPlane, outImage = outChannels * p
        let size = Int(ek_qgemm_packed_a_size(Int64(mg), Int64(k)))
        let packed = KernelBytes(count: groups * size)
        let weights = KernelBytes(layer.weights)
        // `weights` is only read here: keep it alive across the C calls that read its bytes.
        withExtendedLifetime(weights) {
            for g in 0..<groups {
                ek_qgemm_pack_a(0, Int64(mg), Int64(k), weights.int8 + g * mg * k, Int64(k), packed.bytes + g * size)
            }
        }
        var geo = geometry.kernelGeometry(channels: channelsPerGroup)
        let requant = layer.requant, pool = pool
        let padValue = UInt8(requant.inputZero)
        let signedIn = layer.input == .int8, signedOut = layer.output == .int8
        let inputBytes = convertedInputBytes
        let colBytes = pointwise ? 0 : try ShapeMath.elementCount([k, p])
        return Prepared(outputTypes: [outType], scratchBytes: inputBytes + colBytes) { io in
            let x = Self.u8Input(io, signedIn, batch * inImage)
            let y = io.output(0).assumingMemoryBound(to: UInt8.self)
            let col = pointwise ? nil : (io.scratch.unsafelyUnwrapped + inputBytes).assumingMemoryBound(to: UInt8.self)
            for n in 0..<batch {
                for g in 0..<groups {
                    let src = x + n * inImage + g * inGroup
                    var b = src
                    if let col {
                        ek_im2col_u8(src, col, &geo, padValue)
                        b = UnsafePointer(col)
                    }
                    var q = requant.stage(first: g * mg)
                    _ = ek_qgemm_packed_a(Int64(mg), Int64(p), Int64(k), packed.bytes + g * size, b, Int64(p),
                                          y + n * outImage + g * mg * p, Int64(p), Int32(EK_QOUT_U8.rawValue), &q, pool)
                }
            }
            if signedOut { flipSignBit(y, y, batch * outImage) }
        }
    }

    /// Input 0 as u8: the input itself, or (int8) its converted copy at the start of scratch.
    @inline(__always)
    static func u8Input(_ io: KernelIO, _ signed: Bool, _ count: Int) -> UnsafePointer<UInt8> {
        let x = io.input(0).assumingMemoryBound(to: UInt8.self)
        guard signed else { return x }
        let converted = io.scratch.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self)
        flipSignBit(x, converted, count)
        return UnsafePointer(converted)
    }
}

/// A 64-byte-aligned byte buffer owned by a prepared kernel (packed or converted weights).
final class KernelBytes: @unchecked Sendable {
    let storage: TensorStorage
    var bytes: UnsafeMutableRawPointer { storage.bytes }
    var int8: UnsafePointer<Int8> { UnsafePointer(storage.bytes.assumingMemoryBound(to: Int8.self)) }

    init(count: Int) { storage = TensorStorage(byteCount: max(count, 1)) }

    convenience init(_ values: [Int8]) {
        self.init(count: values.count)
        values.withUnsafeBytes { src in
            if let base = src.baseAddress { storage.bytes.copyMemory(from: base, byteCount: src.count) }
        }
    }
}
