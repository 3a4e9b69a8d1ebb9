import CEdgeKernels

/// Per-output-channel requantization constants of an int8 layer (see edge_qkernels.h,
/// "Requantization"), computed once at prepare. Run closures capture the object, which keeps
/// the arrays alive and at fixed addresses for the kernels.
final class Requantization: @unchecked Sendable {
    let channels: Int
    /// multiplier[c] = x_scale · w_scale[c] / y_scale (float32, in that order, as ONNX Runtime).
    let multiplier: UnsafeMutablePointer<Float>
    /// int32 bias in the accumulator's scale (x_scale · w_scale[c]), or nil.
    let bias: UnsafeMutablePointer<Int32>?
    /// Zero points and clamp in the kernels' u8 domain (int8 tensors shifted by 128).
    let inputZero: Int32, outputZero: Int32, qmin: Int32, qmax: Int32

    init(multipliers: [Float], bias: [Int32]?, inputZero: Int32, outputZero: Int32, qmin: Int32, qmax: Int32) {
        channels = multipliers.count
        multiplier = .allocate(capacity: max(channels, 1))
        multiplier.initialize(from: multipliers, count: channels)
        if let bias {
            let b = UnsafeMutablePointer<Int32>.allocate(capacity: max(channels, 1))
            b.initialize(from: bias, count: channels)
            self.bias = b
        } else {
            self.bias = nil
        }
        self.inputZero = inputZero
        self.outputZero = outputZero
        self.qmin = qmin
        self.qmax = qmax
    }

    deinit {
        multiplier.deallocate()
        bias?.deallocate()
    }

    /// The kernels' output stage for channels starting at `first` (a group of a grouped conv).
    @inline(__always)
    func stage(first: Int = 0) -> ek_qoutput {
        ek_qoutput(multiplier: multiplier + first, bias_i32: bias.map { $0 + first }, bias_f32: nil, scale: 1,
                   a_zero_point: inputZero, out_zero_point: outputZero, qmin: qmin, qmax: qmax,
                   act: FusedActivation.none.kernelValue)
    }
}

/// The validated quantization of a QLinearConv / QLinearMatMul node, whose inputs are
/// x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point[, bias int32].
///
/// Fast-path requirements (checked here, clear errors otherwise): constant scales and zero
/// points; per-tensor x and y; constant weights, int8 with zero point 0 or uint8 with zero point
/// 128 (both are symmetric s8 for the kernels), per-tensor or per-output-channel; a fused
/// activation, if any, that is a clamp (Relu, Clip). uint8 and int8 activations are supported.
struct QLinearLayer {
    var input: ActivationStorage
    var output: ActivationStorage
    /// Weights as symmetric s8, in the node's (ONNX) layout.
    var weights: [Int8]
    var requant: Requantization

    /// `channels`: output channels (the length of a per-channel w_scale; the axis is implied by
    /// the op: 0 for QLinearConv, the column axis for QLinearMatMul).
    static func read(_ ctx: PrepareContext, channels: Int) throws(EdgeError) -> QLinearLayer {
        let label = ctx.node.label
        let x = try ctx.input(0)
        let input = try ActivationStorage(x.dtype, what: "\(label): input x")
        let xq = try ctx.quantParams(scale: 1, zero: 2, dtype: x.dtype, channels: nil, what: "x")
        let yDtype = ctx.hasInput(7) ? try ctx.input(7).dtype : DType.uint8
        let output = try ActivationStorage(yDtype, what: "\(label): output y")
        let yq = try ctx.quantParams(scale: 6, zero: 7, dtype: yDtype, channels: nil, what: "y")

        guard let w = ctx.constant(3) else {
            throw EdgeError(.unsupported, "\(label): weights must be constant (initializers) for the int8 kernels")
        }
        guard w.dtype == .int8 || w.dtype == .uint8 else { throw ctx.fail("weights are \(w.dtype); expected int8 or uint8") }
        let wq = try ctx.quantParams(scale: 4, zero: 5, dtype: w.dtype, channels: channels, what: "w")
        let symmetricZero: Int32 = w.dtype == .int8 ? 0 : 128
        guard wq.zeroPoints.allSatisfy({ $0 == symmetricZero }) else {
            throw EdgeError(.unsupported, "\(label): weights must be symmetric (\(w.dtype) zero point \(symmetricZero)) for the int8 kernels")
        }
        let raw = try w.intValues()
        let weights = raw.map { Int8(truncatingIfNeeded: Int32($0) - symmetricZero) }

        var bias: [Int32]? = nil
        if ctx.hasInput(8) {
            let b = try ctx.requireConstant(8, "bias")
            guard b.dtype == .int32, b.shape == [channels] else {
                throw ctx.fail("bias must be int32 of shape [\(channels)], got \(b.dtype)\(b.shape)")
            }
            bias = b.scalars(as: Int32.self)
        }

        let xs = xq.scales[0], ys = yq.scales[0]
        let multipliers = (0..<channels).map { c in (xs * wq.scale(c)) / ys }
        let outZero = output.kernelZeroPoint(yq.zeroPoints[0])
        let act = try FusedActivation.attached(to: ctx.node)
        var qmin: Int32 = 0, qmax: Int32 = 255
        guard ek_q_act_bounds(act.kernelValue, ys, outZero, &qmin, &qmax) == 0, act.kind == .none || act.kind == .relu || act.kind == .clip else {
            throw EdgeError(.unsupported, "\(label): fused activation \(act.kind.rawValue) cannot be applied to a quantized output (only Relu, Clip)")
        }
        let requant = Requantization(multipliers: multipliers, bias: bias, inputZero: input.kernelZeroPoint(xq.zeroPoints[0]),
                                     outputZero: outZero, qmin: qmin, qmax: qmax)
        return QLinearLayer(input: input, output: output, weights: weights, requant: requant)
    }
}
