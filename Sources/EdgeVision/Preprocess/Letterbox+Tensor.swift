import EdgeRuntime

extension Letterbox {
    /// Grey used for the padding, in [0, 1] (YOLO's 114/255 letterbox colour).
    public static let padValue: Float = 114.0 / 255.0

    /// Resizes `image` into a new float tensor `[1, 3, targetHeight, targetWidth]`, RGB in
    /// [0, 1], padding with `padValue`.
    public func tensor(from image: RGBImage) throws(EdgeError) -> Tensor {
        let t = try Tensor(zeros: .float32, shape: [1, 3, targetHeight, targetWidth])
        fill(from: image, into: t.storage.bytes.assumingMemoryBound(to: Float.self))
        return t
    }

    /// Writes the letterboxed planes (`3 × targetHeight × targetWidth` floats) into `output`.
    /// Antialiased bilinear resampling, separable: rows first into a scratch buffer, then columns.
    public func fill(from image: RGBImage, into output: UnsafeMutablePointer<Float>) {
        precondition(image.width == sourceWidth && image.height == sourceHeight, "image size differs from the letterbox source size")
        let plane = targetWidth * targetHeight
        output.update(repeating: Letterbox.padValue, count: plane * 3)
        if resizedWidth == sourceWidth && resizedHeight == sourceHeight {
            fillUnscaled(from: image, into: output, plane: plane)
            return
        }
        let horizontal = ResampleWeights(inputSize: sourceWidth, outputSize: resizedWidth)
        let vertical = ResampleWeights(inputSize: sourceHeight, outputSize: resizedHeight)
        // rows[y][x][c]: every source row resampled to resizedWidth, still 0…255.
        var rows = [Float](repeating: 0, count: sourceHeight * resizedWidth * 3)
        image.pixels.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { dst in
                for y in 0..<sourceHeight {
                    let srcRow = y * sourceWidth * 3
                    let dstRow = y * resizedWidth * 3
                    for ox in 0..<resizedWidth {
                        var r: Float = 0, g: Float = 0, b: Float = 0
                        let first = horizontal.start[ox]
                        for k in 0..<horizontal.count[ox] {
                            let w = horizontal.weights[ox * horizontal.maxTaps + k]
                            let p = srcRow + (first + k) * 3
                            r += w * Float(src[p])
                            g += w * Float(src[p + 1])
                            b += w * Float(src[p + 2])
                        }
                        dst[dstRow + ox * 3] = r
                        dst[dstRow + ox * 3 + 1] = g
                        dst[dstRow + ox * 3 + 2] = b
                    }
                }
            }
        }
        let toUnit: Float = 1 / 255
        rows.withUnsafeBufferPointer { src in
            for oy in 0..<resizedHeight {
                let outRow = (padTop + oy) * targetWidth + padLeft
                let first = vertical.start[oy]
                for ox in 0..<resizedWidth {
                    var r: Float = 0, g: Float = 0, b: Float = 0
                    for k in 0..<vertical.count[oy] {
                        let w = vertical.weights[oy * vertical.maxTaps + k]
                        let p = ((first + k) * resizedWidth + ox) * 3
                        r += w * src[p]
                        g += w * src[p + 1]
                        b += w * src[p + 2]
                    }
                    output[outRow + ox] = min(max(r * toUnit, 0), 1)
                    output[plane + outRow + ox] = min(max(g * toUnit, 0), 1)
                    output[2 * plane + outRow + ox] = min(max(b * toUnit, 0), 1)
                }
            }
        }
    }

    /// The image already has the model's size (or only needs padding): at scale 1 the bilinear
    /// taps are exactly (1, 0), so the resampled value is the pixel itself and this copy gives
    /// the same floats as the two passes above, at a fraction of the cost (the daemon's common
    /// case: clients send frames at the model's input size).
    private func fillUnscaled(from image: RGBImage, into output: UnsafeMutablePointer<Float>, plane: Int) {
        let toUnit: Float = 1 / 255
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<sourceHeight {
                let outRow = (padTop + y) * targetWidth + padLeft, srcRow = y * sourceWidth * 3
                for x in 0..<sourceWidth {
                    let p = srcRow + x * 3
                    output[outRow + x] = Float(src[p]) * toUnit
                    output[plane + outRow + x] = Float(src[p + 1]) * toUnit
                    output[2 * plane + outRow + x] = Float(src[p + 2]) * toUnit
                }
            }
        }
    }
}
