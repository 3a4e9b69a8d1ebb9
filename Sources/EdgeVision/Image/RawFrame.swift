import EdgeRuntime

/// Uncompressed camera frame layouts accepted besides JPEG/PNG.
///
/// ```
///   rgb24  R G B per pixel                      w·h·3 bytes
///   rgba   R G B A per pixel (alpha ignored)    w·h·4 bytes
///   gray8  Y per pixel                          w·h bytes
///   nv12   Y plane (w·h), then interleaved U V at half resolution:
///          ⌈w/2⌉·⌈h/2⌉·2 bytes; BT.601 limited range (what cameras/V4L2 emit)
/// ```
public enum RawFrameFormat: String, Sendable, CaseIterable {
    case rgb24, rgba, gray8, nv12

    /// Exact byte count a `width × height` frame must have (nil when it overflows `Int`).
    public func byteCount(width: Int, height: Int) -> Int? {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow else { return nil }
        switch self {
        case .rgb24: return pixels.multipliedReportingOverflow(by: 3).overflow ? nil : pixels * 3
        case .rgba: return pixels.multipliedReportingOverflow(by: 4).overflow ? nil : pixels * 4
        case .gray8: return pixels
        case .nv12:
            let chroma = ((width + 1) / 2) * ((height + 1) / 2) * 2
            return pixels.addingReportingOverflow(chroma).overflow ? nil : pixels + chroma
        }
    }
}

/// Converts raw frames to `RGBImage` after validating size and length.
public enum RawFrame {
    /// Parses the `format` query value (`rgb24|rgba|gray8|nv12`).
    public static func format(named name: String) throws(EdgeError) -> RawFrameFormat {
        guard let format = RawFrameFormat(rawValue: name) else {
            throw EdgeError(.invalidInput, "unknown raw frame format '\(name)'; expected one of \(RawFrameFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return format
    }

    /// Decodes a raw frame.
    /// - Throws: `.invalidInput` when the size is not positive or the length is not exactly what
    ///   the format needs; `.tooLarge` over `limits`.
    public static func decode(_ bytes: [UInt8], format: RawFrameFormat, width: Int, height: Int,
                              limits: ImageLimits = .default) throws(EdgeError) -> RGBImage {
        try limits.check(width: width, height: height, what: "\(format.rawValue) frame")
        guard let need = format.byteCount(width: width, height: height), bytes.count == need else {
            throw EdgeError(.invalidInput, "\(format.rawValue) frame \(width)x\(height) needs \(format.byteCount(width: width, height: height) ?? -1) bytes, body has \(bytes.count)")
        }
        let pixels = width * height
        var rgb = [UInt8](repeating: 0, count: pixels * 3)
        switch format {
        case .rgb24:
            rgb = bytes
        case .rgba:
            for i in 0..<pixels {
                rgb[i * 3] = bytes[i * 4]
                rgb[i * 3 + 1] = bytes[i * 4 + 1]
                rgb[i * 3 + 2] = bytes[i * 4 + 2]
            }
        case .gray8:
            for i in 0..<pixels {
                rgb[i * 3] = bytes[i]
                rgb[i * 3 + 1] = bytes[i]
                rgb[i * 3 + 2] = bytes[i]
            }
        case .nv12:
            convertNV12(bytes, width: width, height: height, into: &rgb)
        }
        return try RGBImage(width: width, height: height, pixels: rgb)
    }

    /// BT.601 limited-range YUV → RGB in 8.8 fixed point (the classic integer form of the ITU matrix).
    static func convertNV12(_ bytes: [UInt8], width: Int, height: Int, into rgb: inout [UInt8]) {
        let chromaStart = width * height
        let chromaStride = ((width + 1) / 2) * 2
        for y in 0..<height {
            let chromaRow = chromaStart + (y / 2) * chromaStride
            for x in 0..<width {
                let c = 298 * (Int(bytes[y * width + x]) - 16)
                let u = Int(bytes[chromaRow + (x / 2) * 2]) - 128
                let v = Int(bytes[chromaRow + (x / 2) * 2 + 1]) - 128
                let o = (y * width + x) * 3
                rgb[o] = clamp8((c + 409 * v + 128) >> 8)
                rgb[o + 1] = clamp8((c - 100 * u - 208 * v + 128) >> 8)
                rgb[o + 2] = clamp8((c + 516 * u + 128) >> 8)
            }
        }
    }

    private static func clamp8(_ v: Int) -> UInt8 { UInt8(max(0, min(255, v))) }
}
