import EdgeRuntime

/// Decodes an encoded image whose format is recognised from its first bytes (JPEG or PNG).
public enum ImageDecoder {
    /// Decodes JPEG or PNG bytes to RGB, enforcing `limits` before decoding pixels.
    /// - Throws: `.unsupported` for other formats, `.tooLarge` over the limits, `.invalidInput`
    ///   for corrupt data.
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .default) throws(EdgeError) -> RGBImage {
        if JPEGCodec.matches(bytes) { return try JPEGCodec.decode(bytes, limits: limits) }
        if PNGCodec.matches(bytes) { return try PNGCodec.decode(bytes, limits: limits) }
        guard !bytes.isEmpty else { throw EdgeError(.invalidInput, "image body is empty") }
        throw EdgeError(.unsupported, "image is neither JPEG nor PNG (first bytes \(bytes.prefix(4).map { String($0, radix: 16) }.joined(separator: " ")))")
    }
}
