/// Fits a source image into the model input without distorting it: scale by the smaller of the
/// two axis ratios, centre, pad the rest.
///
/// ```
///   target (e.g. 128 × 128)
///   ┌────────────────────┐  padTop rows of padding
///   │░░░░░░░░░░░░░░░░░░░░│
///   │   resized source   │  resizedWidth × resizedHeight
///   │░░░░░░░░░░░░░░░░░░░░│
///   └────────────────────┘
/// ```
/// The resize maps source `[0, sourceWidth]` exactly onto `[padLeft, padLeft + resizedWidth]`
/// (and likewise vertically), so `toSource` is the exact inverse of what the pixels went through.
public struct Letterbox: Sendable, Equatable {
    public let sourceWidth: Int
    public let sourceHeight: Int
    public let targetWidth: Int
    public let targetHeight: Int
    public let resizedWidth: Int
    public let resizedHeight: Int
    public let padLeft: Int
    public let padTop: Int

    /// Geometry for a positive source size into a positive target size.
    public init(sourceWidth: Int, sourceHeight: Int, targetWidth: Int, targetHeight: Int) {
        precondition(sourceWidth > 0 && sourceHeight > 0 && targetWidth > 0 && targetHeight > 0, "letterbox sizes must be positive")
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.targetWidth = targetWidth
        self.targetHeight = targetHeight
        let scale = min(Double(targetWidth) / Double(sourceWidth), Double(targetHeight) / Double(sourceHeight))
        resizedWidth = min(targetWidth, max(1, Int((Double(sourceWidth) * scale).rounded())))
        resizedHeight = min(targetHeight, max(1, Int((Double(sourceHeight) * scale).rounded())))
        padLeft = (targetWidth - resizedWidth) / 2
        padTop = (targetHeight - resizedHeight) / 2
    }

    /// Input pixels per source pixel, horizontally and vertically (equal up to rounding).
    public var scaleX: Double { Double(resizedWidth) / Double(sourceWidth) }
    public var scaleY: Double { Double(resizedHeight) / Double(sourceHeight) }

    /// Maps a box from model-input pixels to source pixels, clipped to the source image.
    public func toSource(_ box: Box) -> Box {
        Box(minX: (box.x - Double(padLeft)) / scaleX, minY: (box.y - Double(padTop)) / scaleY,
            maxX: (box.maxX - Double(padLeft)) / scaleX, maxY: (box.maxY - Double(padTop)) / scaleY)
            .clipped(width: Double(sourceWidth), height: Double(sourceHeight))
    }

    /// Maps a box from source pixels to model-input pixels (the forward transform).
    public func toInput(_ box: Box) -> Box {
        Box(minX: box.x * scaleX + Double(padLeft), minY: box.y * scaleY + Double(padTop),
            maxX: box.maxX * scaleX + Double(padLeft), maxY: box.maxY * scaleY + Double(padTop))
    }
}
