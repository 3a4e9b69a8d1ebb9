/// Anti-aliased coverage of a shape over a pixel window.
public struct Coverage: Sendable {
    /// Window origin and size in image pixels.
    public let x0: Int
    public let y0: Int
    public let width: Int
    public let height: Int
    /// Row-major fraction of each window pixel inside the shape, 0…1.
    public var alpha: [Float]

    /// Coverage of image pixel `(x, y)` (0 outside the window).
    public func value(_ x: Int, _ y: Int) -> Float {
        let lx = x - x0, ly = y - y0
        guard lx >= 0, ly >= 0, lx < width, ly < height else { return 0 }
        return alpha[ly * width + lx]
    }

    /// Sum of coverage (the shape's area in pixels, clipped to the image).
    public var area: Double { alpha.reduce(0.0) { $0 + Double($1) } }
}

/// Exact-area polygon rasterizer (the signed-area accumulation method of font-rs / stb_truetype
/// v2): each edge adds, per pixel it crosses, the signed area it sweeps; a running sum along the
/// row gives the winding-weighted coverage. Paths are closed; overlapping paths with the same
/// winding add up (clamped to 1), a path with opposite winding cuts a hole.
public enum Rasterizer {
    /// Coverage of `paths` clipped to a `clipWidth × clipHeight` image; nil when it is empty.
    public static func coverage(of paths: [Path], clipWidth: Int, clipHeight: Int) -> Coverage? {
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for path in paths {
            for p in path where p.x.isFinite && p.y.isFinite {
                minX = min(minX, p.x); maxX = max(maxX, p.x)
                minY = min(minY, p.y); maxY = max(maxY, p.y)
            }
        }
        guard minX < maxX, minY < maxY else { return nil }
        let x0 = max(0, Int(minX.rounded(.down))), y0 = max(0, Int(minY.rounded(.down)))
        let x1 = min(clipWidth, Int(maxX.rounded(.up))), y1 = min(clipHeight, Int(maxY.rounded(.up)))
        guard x0 < x1, y0 < y1 else { return nil }
        let width = x1 - x0, height = y1 - y0
        // Two spare cells per row take contributions right of the window.
        let stride = width + 2
        var accumulation = [Double](repeating: 0, count: stride * height)
        for path in paths where path.count >= 3 {
            for i in path.indices {
                let a = path[i], b = path[(i + 1) % path.count]
                guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { continue }
                let shifted = (Point(a.x - Double(x0), a.y - Double(y0)), Point(b.x - Double(x0), b.y - Double(y0)))
                for (p, q) in clipHorizontally(shifted.0, shifted.1, width: Double(width)) {
                    drawLine(p, q, into: &accumulation, stride: stride, width: Double(width), height: height)
                }
            }
        }
        var alpha = [Float](repeating: 0, count: width * height)
        for y in 0..<height {
            var sum = 0.0
            for x in 0..<width {
                sum += accumulation[y * stride + x]
                alpha[y * width + x] = Float(min(1, abs(sum)))
            }
        }
        return Coverage(x0: x0, y0: y0, width: width, height: height, alpha: alpha)
    }

    /// Splits a segment where it crosses x = 0 and x = width and clamps the outside parts onto
    /// those lines: area left of the window then still counts at its left edge, area right of it
    /// falls in the spare cells.
    static func clipHorizontally(_ a: Point, _ b: Point, width: Double) -> [(Point, Point)] {
        var cuts: [Double] = [0, 1]
        if a.x != b.x {
            for edge in [0, width] {
                let t = (edge - a.x) / (b.x - a.x)
                if t > 0 && t < 1 { cuts.append(t) }
            }
        }
        cuts.sort()
        func at(_ t: Double) -> Point {
            Point(min(max(a.x + (b.x - a.x) * t, 0), width), a.y + (b.y - a.y) * t)
        }
        return (0..<(cuts.count - 1)).map { (at(cuts[$0]), at(cuts[$0 + 1])) }
    }

    /// Adds one edge's signed area (font-rs `draw_line`); `x` already within `[0, width]`.
    static func drawLine(_ start: Point, _ end: Point, into a: inout [Double], stride: Int, width: Double, height: Int) {
        guard start.y != end.y else { return }
        let (dir, p0, p1) = start.y < end.y ? (1.0, start, end) : (-1.0, end, start)
        let dxdy = (p1.x - p0.x) / (p1.y - p0.y)
        var x = p0.x
        if p0.y < 0 { x = min(max(x - p0.y * dxdy, 0), width) }
        let yStart = max(0, Int(p0.y.rounded(.down)))
        let yEnd = min(height, Int(p1.y.rounded(.up)))
        guard yStart < yEnd else { return }
        for y in yStart..<yEnd {
            let line = y * stride
            let dy = min(Double(y + 1), p1.y) - max(Double(y), p0.y)
            // Clamped: rounding in the running x must never index outside the row.
            let xNext = min(max(x + dxdy * dy, 0), width)
            let d = dy * dir
            let (xa, xb) = x < xNext ? (x, xNext) : (xNext, x)
            let xaFloor = xa.rounded(.down)
            let xai = Int(xaFloor)
            let xbCeil = xb.rounded(.up)
            let xbi = Int(xbCeil)
            if xbi <= xai + 1 {
                let xmf = 0.5 * (x + xNext) - xaFloor
                a[line + xai] += d - d * xmf
                a[line + xai + 1] += d * xmf
            } else {
                let s = 1 / (xb - xa)
                let xaf = xa - xaFloor
                let a0 = 0.5 * s * (1 - xaf) * (1 - xaf)
                let xbf = xb - xbCeil + 1
                let am = 0.5 * s * xbf * xbf
                a[line + xai] += d * a0
                if xbi == xai + 2 {
                    a[line + xai + 1] += d * (1 - a0 - am)
                } else {
                    let a1 = s * (1.5 - xaf)
                    a[line + xai + 1] += d * (a1 - a0)
                    for xi in (xai + 2)..<(xbi - 1) { a[line + xi] += d * s }
                    let a2 = a1 + Double(xbi - xai - 3) * s
                    a[line + xbi - 1] += d * (1 - a2 - am)
                }
                a[line + xbi] += d * am
            }
            x = xNext
        }
    }
}
