import EdgeRuntime

/// An 8-bit RGB image: rows top to bottom, pixels packed `R G B`, no row padding.
///
/// ```
///   pixels: [R G B][R G B] … width × 3 bytes per row, height rows
/// ```
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes.
    public var pixels: [UInt8]

    /// Wraps packed RGB bytes; throws when the byte count does not match the size.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(EdgeError) {
        guard width > 0, height > 0 else {
            throw EdgeError(.invalidInput, "image size \(width)x\(height) must be positive")
        }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, count <= Int.max / 3, pixels.count == count * 3 else {
            throw EdgeError(.invalidInput, "image \(width)x\(height) needs \(width &* height &* 3) RGB bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A uniform image (size must be positive).
    public init(width: Int, height: Int, fill: (r: UInt8, g: UInt8, b: UInt8) = (0, 0, 0)) {
        precondition(width > 0 && height > 0, "image size must be positive")
        self.width = width
        self.height = height
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = fill.r
            pixels[i + 1] = fill.g
            pixels[i + 2] = fill.b
        }
        self.pixels = pixels
    }

    /// The pixel at column `x`, row `y` (programmer error when out of range).
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)x\(height)")
            let i = (y * width + x) * 3
            return (pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)x\(height)")
            let i = (y * width + x) * 3
            pixels[i] = newValue.r
            pixels[i + 1] = newValue.g
            pixels[i + 2] = newValue.b
        }
    }
}
