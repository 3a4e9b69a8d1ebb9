import EdgeVision

/// A landmark drawn into a scene and how much of it is still visible.
struct TrackedObject {
    var landmark: LandmarkClass
    var silhouette: Coverage
    /// Silhouette coverage times what later (occluding) paint left uncovered.
    var visible: [Float]
}

/// A canvas that remembers each landmark's silhouette and reduces its visible part whenever
/// something is painted over it, so boxes follow the visible-extent rule (docs/DATA.md).
struct SceneCanvas {
    var canvas: Canvas
    var objects: [TrackedObject] = []

    init(size: Int) { canvas = Canvas(width: size, height: size) }

    var size: Int { canvas.width }

    /// Paints `paths`; unless `occludes` is false (light and shadow), it hides tracked objects.
    mutating func draw(_ paths: [Path], _ paint: Paint, opacity: Float = 1, occludes: Bool = true) {
        guard let coverage = Rasterizer.coverage(of: paths, clipWidth: canvas.width, clipHeight: canvas.height) else { return }
        canvas.fill(coverage, paint: paint, opacity: opacity)
        guard occludes else { return }
        for k in objects.indices {
            let o = objects[k].silhouette
            for ly in 0..<o.height {
                for lx in 0..<o.width {
                    let c = coverage.value(o.x0 + lx, o.y0 + ly)
                    if c > 0 { objects[k].visible[ly * o.width + lx] *= 1 - c * opacity }
                }
            }
        }
    }

    mutating func draw(_ path: Path, _ paint: Paint, opacity: Float = 1, occludes: Bool = true) {
        draw([path], paint, opacity: opacity, occludes: occludes)
    }

    /// Starts tracking a landmark whose parts have just been drawn inside `silhouette`.
    mutating func register(_ landmark: LandmarkClass, silhouette: [Path]) {
        guard let coverage = Rasterizer.coverage(of: silhouette, clipWidth: canvas.width, clipHeight: canvas.height) else { return }
        objects.append(TrackedObject(landmark: landmark, silhouette: coverage, visible: coverage.alpha))
    }

    /// Every tracked object's visible box (pixels whose visible coverage ≥ 0.5) and visible
    /// fraction of its in-image silhouette; nil box when nothing is visible.
    func annotations() -> [SceneObject] {
        objects.compactMap { o in
            let c = o.silhouette
            var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min
            var visibleArea = 0.0
            for ly in 0..<c.height {
                for lx in 0..<c.width {
                    let v = o.visible[ly * c.width + lx]
                    visibleArea += Double(v)
                    if v >= 0.5 {
                        minX = min(minX, lx); maxX = max(maxX, lx)
                        minY = min(minY, ly); maxY = max(maxY, ly)
                    }
                }
            }
            guard minX <= maxX else { return nil }
            let box = Box(minX: Double(c.x0 + minX), minY: Double(c.y0 + minY), maxX: Double(c.x0 + maxX + 1), maxY: Double(c.y0 + maxY + 1))
            return SceneObject(landmark: o.landmark, box: box, visibleFraction: visibleArea / max(c.area, 1e-9))
        }
    }
}

/// One annotated landmark of a generated scene.
public struct SceneObject: Sendable, Equatable {
    public var landmark: LandmarkClass
    /// Visible extent in image pixels (pixel-aligned).
    public var box: Box
    /// Visible share of the silhouette inside the image, 0…1.
    public var visibleFraction: Double
}
