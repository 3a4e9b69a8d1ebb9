import EdgeRuntime

/// Bounds on the images accepted from outside, checked from the header before any pixel is
/// decoded, so a small file that claims a huge image costs nothing.
public struct ImageLimits: Sendable, Equatable {
    /// Largest accepted width in pixels.
    public var maxWidth: Int
    /// Largest accepted height in pixels.
    public var maxHeight: Int
    /// Largest accepted `width × height` (the decoded RGB buffer is 3 bytes per pixel).
    public var maxPixels: Int
    /// libjpeg working memory (progressive files buffer every DCT coefficient: ~6 bytes/pixel).
    public var maxDecoderMemory: Int
    /// Most progressive JPEG scans accepted (libjpeg-turbo's TurboJPEG API uses 500 too).
    public var maxJPEGScans: Int

    /// Defaults: at most 8192 × 8192 and 16 megapixels (48 MB of RGB).
    public static let `default` = ImageLimits(maxWidth: 8192, maxHeight: 8192, maxPixels: 16 << 20,
                                              maxDecoderMemory: 256 << 20, maxJPEGScans: 500)

    public init(maxWidth: Int, maxHeight: Int, maxPixels: Int, maxDecoderMemory: Int = 256 << 20, maxJPEGScans: Int = 500) {
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxPixels = maxPixels
        self.maxDecoderMemory = maxDecoderMemory
        self.maxJPEGScans = maxJPEGScans
    }

    /// Throws `.invalidInput` for an empty size and `.tooLarge` for one over the limits.
    public func check(width: Int, height: Int, what: String) throws(EdgeError) {
        guard width > 0, height > 0 else {
            throw EdgeError(.invalidInput, "\(what) has an empty size \(width)x\(height)")
        }
        guard width <= maxWidth, height <= maxHeight else {
            throw EdgeError(.tooLarge, "\(what) is \(width)x\(height); the limit is \(maxWidth)x\(maxHeight)")
        }
        guard width * height <= maxPixels else {
            throw EdgeError(.tooLarge, "\(what) has \(width * height) pixels; the limit is \(maxPixels)")
        }
    }
}
