import Foundation

/// A point in image pixels (x right, y down); pixel `(i, j)` covers `[i, i+1) × [j, j+1)`.
public struct Point: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// A closed polygon; holes are paths with the opposite winding in the same shape.
public typealias Path = [Point]

/// A 3×3 projective transform (row-major), enough for placing flat signs with rotation, scale
/// and a little perspective.
public struct Homography: Sendable {
    public var m: [Double]

    public static let identity = Homography(m: [1, 0, 0, 0, 1, 0, 0, 0, 1])

    public static func translation(_ tx: Double, _ ty: Double) -> Homography { Homography(m: [1, 0, tx, 0, 1, ty, 0, 0, 1]) }
    public static func scale(_ sx: Double, _ sy: Double) -> Homography { Homography(m: [sx, 0, 0, 0, sy, 0, 0, 0, 1]) }
    public static func rotation(_ radians: Double) -> Homography {
        Homography(m: [cos(radians), -sin(radians), 0, sin(radians), cos(radians), 0, 0, 0, 1])
    }
    /// Keystone: points with larger `x` (or `y`) shrink by `1 + px·x + py·y` (a plane seen at an angle).
    public static func perspective(_ px: Double, _ py: Double) -> Homography { Homography(m: [1, 0, 0, 0, 1, 0, px, py, 1]) }

    /// `self ∘ other`: apply `other` first.
    public func then(_ outer: Homography) -> Homography {
        var r = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { r[i * 3 + j] += outer.m[i * 3 + k] * m[k * 3 + j] } } }
        return Homography(m: r)
    }

    public func apply(_ p: Point) -> Point {
        let w = m[6] * p.x + m[7] * p.y + m[8]
        return Point((m[0] * p.x + m[1] * p.y + m[2]) / w, (m[3] * p.x + m[4] * p.y + m[5]) / w)
    }

    public func apply(_ path: Path) -> Path { path.map(apply) }
}

/// Unit shapes centred on the origin (radius / half-size 1), to be placed by a `Homography`.
public enum Shapes {
    /// Regular polygon; `phase` rotates the first vertex (octagon: π/8 gives flat top).
    public static func regular(_ sides: Int, phase: Double = 0) -> Path {
        (0..<sides).map { i in
            let a = phase + 2 * .pi * Double(i) / Double(sides)
            return Point(cos(a), sin(a))
        }
    }

    public static func circle() -> Path { regular(48) }

    /// Axis-aligned rectangle from corner to corner.
    public static func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Path {
        [Point(x0, y0), Point(x1, y0), Point(x1, y1), Point(x0, y1)]
    }

    /// Right-pointing arrow: shaft and triangular head, within [-1, 1]².
    public static func arrowRight(shaftHalf: Double = 0.17, headHalf: Double = 0.5, headStart: Double = 0.05) -> Path {
        [Point(-0.7, -shaftHalf), Point(headStart, -shaftHalf), Point(headStart, -headHalf), Point(0.72, 0),
         Point(headStart, headHalf), Point(headStart, shaftHalf), Point(-0.7, shaftHalf)]
    }

    /// Mirror image across the vertical axis (keeps the winding consistent by reversing).
    public static func mirrored(_ path: Path) -> Path { path.map { Point(-$0.x, $0.y) }.reversed() }

    /// Quadrilateral between two horizontal spans at heights `y0` and `y1`.
    public static func quad(top: (Double, Double), bottom: (Double, Double), y0: Double, y1: Double) -> Path {
        [Point(top.0, y0), Point(top.1, y0), Point(bottom.1, y1), Point(bottom.0, y1)]
    }
}
