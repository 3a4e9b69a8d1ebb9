import CEdgeKernels
import EdgeRuntime

/// Geometry of a 2-D convolution over one image (symmetric padding per axis).
public struct ConvGeometry: Sendable, Equatable {
    public var inChannels, outChannels, groups: Int
    public var kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW: Int
    public var inH = 0, inW = 0

    public var outH: Int { (inH + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1 }
    public var outW: Int { (inW + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1 }
    /// Input channels per group.
    public var groupIn: Int { inChannels / groups }
    /// Output channels per group.
    public var groupOut: Int { outChannels / groups }
    /// Rows of the im2col matrix (one group).
    public var patch: Int { groupIn * kernelH * kernelW }
    /// One output channel per input channel (or a multiple): the depthwise kernels apply.
    public var isDepthwise: Bool { groups > 1 && groups == inChannels }
    /// 1×1, stride 1, no padding: the input itself is the im2col matrix.
    public var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
    }

    /// The kernels' geometry for one group of one image.
    var ek: ek_conv2d_geometry { ek(channels: groupIn) }

    /// The kernels' geometry with `channels` input channels (depthwise: all of them).
    func ek(channels: Int) -> ek_conv2d_geometry {
        ek_conv2d_geometry(channels: Int64(channels), in_h: Int64(inH), in_w: Int64(inW),
                           kernel_h: Int64(kernelH), kernel_w: Int64(kernelW),
                           stride_h: Int64(strideH), stride_w: Int64(strideW),
                           pad_top: Int64(padH), pad_left: Int64(padW),
                           dilation_h: Int64(dilationH), dilation_w: Int64(dilationW),
                           out_h: Int64(outH), out_w: Int64(outW))
    }

    func validate(_ name: String) throws(EdgeError) {
        guard inChannels > 0, outChannels > 0, groups > 0, inChannels % groups == 0, outChannels % groups == 0,
              kernelH > 0, kernelW > 0, strideH > 0, strideW > 0, padH >= 0, padW >= 0, dilationH > 0, dilationW > 0 else {
            throw EdgeError(.invalidGraph, "\(name): invalid convolution geometry \(self)")
        }
        guard outH > 0, outW > 0 else { throw EdgeError(.invalidGraph, "\(name): input \(inH)×\(inW) too small for the kernel") }
    }

    /// The columns [lo, hi) of output positions whose tap at kernel offset `k` lands inside
    /// [0, size): `o·stride − pad + k·dilation ∈ [0, size)`.
    static func validRange(out: Int, size: Int, stride: Int, pad: Int, offset: Int) -> (Int, Int) {
        let shift = pad - offset
        var lo = shift <= 0 ? 0 : (shift + stride - 1) / stride
        var hi = (size - 1 + shift) < 0 ? 0 : (size - 1 + shift) / stride + 1
        lo = min(lo, out)
        hi = max(min(hi, out), lo)
        return (lo, hi)
    }
}

/// Backward helpers with no kernel in CEdgeKernels: col2im and the depthwise gradients.
enum ConvBackward {
    /// dx[c, ih, iw] += col[(c·kh + i)·kw + j][oh·OW + ow] — the adjoint of `ek_im2col`.
    static func col2im(_ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
        let (oh, ow, plane) = (g.outH, g.outW, g.outH * g.outW)
        for c in 0..<g.groupIn {
            for i in 0..<g.kernelH {
                let (rlo, rhi) = ConvGeometry.validRange(out: oh, size: g.inH, stride: g.strideH, pad: g.padH, offset: i * g.dilationH)
                for j in 0..<g.kernelW {
                    let (clo, chi) = ConvGeometry.validRange(out: ow, size: g.inW, stride: g.strideW, pad: g.padW, offset: j * g.dilationW)
                    let row = col + ((c * g.kernelH + i) * g.kernelW + j) * plane
                    for y in rlo..<rhi {
                        let ih = y * g.strideH - g.padH + i * g.dilationH
                        let dst = dx + (c * g.inH + ih) * g.inW - g.padW + j * g.dilationW
                        let src = row + y * ow
                        for x in clo..<chi { dst[x * g.strideW] += src[x] }
                    }
                }
            }
        }
    }

    /// Depthwise gradients for one image: dx (optional, accumulated) and dw (accumulated).
    /// Output channel oc reads input channel oc / multiplier.
    static func depthwise(x: UnsafePointer<Float>, w: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                          dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
        let mult = g.outChannels / g.inChannels
        let (oh, ow, kk) = (g.outH, g.outW, g.kernelH * g.kernelW)
        for oc in 0..<g.outChannels {
            let c = oc / mult
            let xin = x + c * g.inH * g.inW
            let dout = dy + oc * oh * ow
            for i in 0..<g.kernelH {
                let (rlo, rhi) = ConvGeometry.validRange(out: oh, size: g.inH, stride: g.strideH, pad: g.padH, offset: i * g.dilationH)
                for j in 0..<g.kernelW {
                    let (clo, chi) = ConvGeometry.validRange(out: ow, size: g.inW, stride: g.strideW, pad: g.padW, offset: j * g.dilationW)
                    let wt = w[oc * kk + i * g.kernelW + j]
                    var acc: Float = 0
                    for y in rlo..<rhi {
                        let rowOff = (y * g.strideH - g.padH + i * g.dilationH) * g.inW - g.padW + j * g.dilationW
                        let src = dout + y * ow
                        let xr = xin + rowOff
                        if g.strideW == 1 {
                            // Contiguous rows: both loops vectorise.
                            if let dx {
                                let d = dx + c * g.inH * g.inW + rowOff
                                for xo in clo..<chi { d[xo] += wt * src[xo] }
                            }
                            for xo in clo..<chi { acc += xr[xo] * src[xo] }
                        } else {
                            if let dx {
                                let d = dx + c * g.inH * g.inW + rowOff
                                for xo in clo..<chi { d[xo * g.strideW] += wt * src[xo] }
                            }
                            for xo in clo..<chi { acc += xr[xo * g.strideW] * src[xo] }
                        }
                    }
                    dw[oc * kk + i * g.kernelW + j] += acc
                }
            }
        }
    }
}
