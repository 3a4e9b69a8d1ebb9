import CEdgeKernels

/// Converts between an image `[channels, spatial…]` and its column matrix
/// `[channels·kernel…, output positions]` (im2col / col2im) for one window geometry.
/// Row `(c, kd, kh, kw)`, column `(od, oh, ow)` holds the input tap that kernel offset
/// reads for that output position (zero where it falls in the padding).
/// 1-D and 2-D windows use the C kernel `ek_im2col`; 3-D windows a Swift loop.
struct ColumnBuilder: Sendable {
    let channels: Int
    let window: Window3
    private let kernelGeometry: ek_conv2d_geometry?

    init(geometry: WindowGeometry, channels: Int) {
        self.channels = channels
        self.window = Window3(geometry)
        self.kernelGeometry = geometry.rank <= 2 ? geometry.as2D.kernelGeometry(channels: channels) : nil
    }

    /// im2col: fills `col` ([channels·kernel, outputs]) from `image`.
    func build(_ image: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
        if var g = kernelGeometry {
            ek_im2col(image, col, &g)
            return
        }
        let sw = window.stride.w
        forEachRow { dst, src, lo, hi in
            let d = col + dst
            guard let src else {
                d.update(repeating: 0, count: window.output.w)
                return
            }
            for ow in 0..<lo { d[ow] = 0 }
            for ow in lo..<hi { d[ow] = image[src + ow * sw] }
            for ow in hi..<window.output.w { d[ow] = 0 }
        }
    }

    /// col2im: adds every column entry into the image position it was read from
    /// (`image` must be initialised; padding taps are dropped). The adjoint of `build`.
    func scatter(_ col: UnsafePointer<Float>, _ image: UnsafeMutablePointer<Float>) {
        let sw = window.stride.w
        forEachRow { dst, src, lo, hi in
            guard let src else { return }
            let d = col + dst
            for ow in lo..<hi { image[src + ow * sw] += d[ow] }
        }
    }

    /// Walks the column matrix one output row (fixed c, kd, kh, kw, od, oh) at a time:
    /// `body(column offset, image index of ow = 0 or nil if the row lies in the padding,
    /// [lo, hi) = the ow whose tap is inside the image)`.
    @inline(__always)
    private func forEachRow(_ body: (Int, Int?, Int, Int) -> Void) {
        let w = window
        let outCount = w.output.count, inPlane = w.input.count
        var row = 0
        for c in 0..<channels {
            for kd in 0..<w.kernel.d {
                for kh in 0..<w.kernel.h {
                    for kw in 0..<w.kernel.w {
                        let off = kw * w.dilation.w - w.pad.w
                        let hi = w.input.w - 1 - off >= 0 ? min(w.output.w, (w.input.w - 1 - off) / w.stride.w + 1) : 0
                        let lo = min(off >= 0 ? 0 : (-off + w.stride.w - 1) / w.stride.w, hi)
                        var dst = row
                        for od in 0..<w.output.d {
                            let id = od * w.stride.d - w.pad.d + kd * w.dilation.d
                            for oh in 0..<w.output.h {
                                let ih = oh * w.stride.h - w.pad.h + kh * w.dilation.h
                                let inside = id >= 0 && id < w.input.d && ih >= 0 && ih < w.input.h
                                body(dst, inside ? c * inPlane + (id * w.input.h + ih) * w.input.w + off : nil, lo, hi)
                                dst += w.output.w
                            }
                        }
                        row += outCount
                    }
                }
            }
        }
    }
}
