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
        forEachTap { row, src, dst in
            col[row + dst] = src >= 0 ? image[src] : 0
        }
    }

    /// col2im: adds every column entry into the image position it was read from
    /// (`image` must be initialised; padding taps are dropped). The adjoint of `build`.
    func scatter(_ col: UnsafePointer<Float>, _ image: UnsafeMutablePointer<Float>) {
        forEachTap { row, src, dst in
            if src >= 0 { image[src] += col[row + dst] }
        }
    }

    /// Calls `body(rowOffset, imageIndex or -1, column)` for every entry of the column matrix.
    @inline(__always)
    private func forEachTap(_ body: (Int, Int, Int) -> Void) {
        let w = window
        let outCount = w.output.count, inPlane = w.input.count
        var row = 0
        for c in 0..<channels {
            for kd in 0..<w.kernel.d {
                for kh in 0..<w.kernel.h {
                    for kw in 0..<w.kernel.w {
                        var dst = 0
                        for od in 0..<w.output.d {
                            let id = od * w.stride.d - w.pad.d + kd * w.dilation.d
                            let okD = id >= 0 && id < w.input.d
                            for oh in 0..<w.output.h {
                                let ih = oh * w.stride.h - w.pad.h + kh * w.dilation.h
                                let okH = okD && ih >= 0 && ih < w.input.h
                                let base = c * inPlane + (id * w.input.h + ih) * w.input.w
                                for ow in 0..<w.output.w {
                                    let iw = ow * w.stride.w - w.pad.w + kw * w.dilation.w
                                    let ok = okH && iw >= 0 && iw < w.input.w
                                    body(row, ok ? base + iw : -1, dst)
                                    dst += 1
                                }
                            }
                        }
                        row += outCount
                    }
                }
            }
        }
    }
}
