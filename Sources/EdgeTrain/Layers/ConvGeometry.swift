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
}
