/// A linear-ish RGB colour, components nominally in [0, 1].
public struct RGB: Sendable, Equatable {
    public var r: Float
    public var g: Float
    public var b: Float
    public init(_ r: Float, _ g: Float, _ b: Float) {
        self.r = r
        self.g = g
        self.b = b
    }

    public static let white = RGB(1, 1, 1)
    public static let black = RGB(0, 0, 0)

    public func scaled(_ k: Float) -> RGB { RGB(r * k, g * k, b * k) }
    /// `self` moved towards `other` by `t`.
    public func mixed(_ other: RGB, _ t: Float) -> RGB { RGB(r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t) }
}

/// How a filled shape is coloured at a pixel centre.
public enum Paint: Sendable {
    case solid(RGB)
    /// Colour varying with the position (gradients, textures); called at pixel centres.
    case field(@Sendable (Double, Double) -> RGB)

    func colour(_ x: Double, _ y: Double) -> RGB {
        switch self {
        case .solid(let c): c
        case .field(let f): f(x, y)
        }
    }
}

/// A float RGB image being rendered (interleaved, row-major).
public struct Canvas: Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [Float]

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [Float](repeating: 0, count: width * height * 3)
    }

    /// Composites `paint` through `coverage × opacity` (source-over).
    public mutating func fill(_ coverage: Coverage, paint: Paint, opacity: Float = 1) {
        for ly in 0..<coverage.height {
            let y = coverage.y0 + ly
            for lx in 0..<coverage.width {
                let a = coverage.alpha[ly * coverage.width + lx] * opacity
                guard a > 0 else { continue }
                let x = coverage.x0 + lx
                let c = paint.colour(Double(x) + 0.5, Double(y) + 0.5)
                let i = (y * width + x) * 3
                pixels[i] += (c.r - pixels[i]) * a
                pixels[i + 1] += (c.g - pixels[i + 1]) * a
                pixels[i + 2] += (c.b - pixels[i + 2]) * a
            }
        }
    }

    /// Fills every pixel from `paint`.
    public mutating func fillAll(_ paint: Paint) {
        for y in 0..<height {
            for x in 0..<width {
                let c = paint.colour(Double(x) + 0.5, Double(y) + 0.5)
                let i = (y * width + x) * 3
                pixels[i] = c.r
                pixels[i + 1] = c.g
                pixels[i + 2] = c.b
            }
        }
    }
}
