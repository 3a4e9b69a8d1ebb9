import EdgeVision
import Foundation

/// A rendered scene and its ground truth.
public struct GeneratedScene: Sendable {
    public var image: RGBImage
    /// Annotated landmarks (at least 30% visible), in drawing order.
    public var objects: [SceneObject]
}

/// Renders one synthetic AR scene (street or indoor) with 0–4 landmarks from a random stream.
///
/// Order: background → look-alike distractors → landmarks (on poles outdoors, not overlapping
/// each other) → occluders in front of some landmarks → shadow → camera effects. Boxes are the
/// visible extent (docs/DATA.md, "detection").
public struct SceneGenerator: Sendable {
    /// Image side in pixels (square images).
    public var size: Int
    /// Landmark size range as fractions of `size` (longest side, before rotation).
    public var minObject: Double = 12
    public var maxObjectFraction: Double = 0.5
    /// Annotate only landmarks at least this visible (occluders are sized to stay above it).
    public var minVisibleFraction: Double = 0.3
    /// Most landmarks one scene holds (the row count of a split's `boxes.npy`).
    public static let maxObjects = 4

    public init(size: Int) {
        precondition(size >= 32, "scenes need at least 32 pixels")
        self.size = size
    }

    public func render(_ rng: inout SceneRandom) -> GeneratedScene {
        var scene = SceneCanvas(size: size)
        let s = Double(size)
        let layout = Backgrounds.paint(&scene, street: rng.chance(0.6), rng: &rng)
        for _ in 0..<rng.int(0...3) {
            Distractors.paint(&scene, centre: Point(rng.uniform(0, s), rng.uniform(0, s)), size: rng.logUniform(8, s * 0.35),
                              road: layout.road, rng: &rng)
        }
        let count = rng.pick([0, 1, 1, 1, 2, 2, 2, 3, 3, Self.maxObjects])
        var taken: [Box] = []
        var hasCrosswalk = false
        for _ in 0..<count {
            let landmark = pickClass(layout: layout, hasCrosswalk: hasCrosswalk, rng: &rng)
            if landmark == .crosswalk, let road = layout.road {
                guard let band = crosswalkBand(road: road, rng: &rng) else { continue }
                let (l0, r0) = road.edges(at: band.1)
                let box = Box(minX: max(0, l0), minY: band.0, maxX: min(s, r0), maxY: band.1)
                guard !taken.contains(where: { $0.iou(box) > 0.05 }) else { continue }
                Landmarks.crosswalk(&scene, road: road, y0: band.0, y1: band.1, rng: &rng)
                taken.append(box)
                hasCrosswalk = true
            } else {
                guard let (centre, extent) = placeSign(taken: taken, rng: &rng) else { continue }
                let box = Box(minX: centre.x - extent / 2, minY: centre.y - extent / 2, maxX: centre.x + extent / 2, maxY: centre.y + extent / 2)
                if layout.isStreet && rng.chance(0.6) {
                    Landmarks.pole(&scene, x: centre.x, from: centre.y, to: max(layout.groundY + s * 0.1, centre.y + extent), width: max(1.5, extent * 0.08))
                }
                switch landmark {
                case .stopSign: Landmarks.stopSign(&scene, centre: centre, size: extent, rng: &rng)
                case .turnLeft, .turnRight: Landmarks.turnSign(&scene, left: landmark == .turnLeft, centre: centre, size: extent, rng: &rng)
                default: Landmarks.exitSign(&scene, centre: centre, size: extent, rng: &rng)
                }
                taken.append(box)
            }
            if rng.chance(0.25), let last = taken.last {
                Distractors.occlude(&scene, box: (last.x, last.y, last.maxX, last.maxY), rng: &rng)
            }
        }
        if rng.chance(0.3) {
            let shadow = (0..<4).map { _ in Point(rng.uniform(-0.2, 1.2) * s, rng.uniform(-0.2, 1.2) * s) }
            scene.draw(shadow, .solid(.black), opacity: Float(rng.uniform(0.15, 0.4)), occludes: false)
        }
        Effects.apply(&scene.canvas, rng: &rng)
        let objects = scene.annotations().filter { $0.visibleFraction >= minVisibleFraction }
        return GeneratedScene(image: Effects.quantize(scene.canvas), objects: objects)
    }

    /// Street scenes favour traffic signs and crosswalks, indoor scenes exit and arrow signs.
    func pickClass(layout: BackgroundLayout, hasCrosswalk: Bool, rng: inout SceneRandom) -> LandmarkClass {
        if layout.isStreet {
            if !hasCrosswalk && rng.chance(0.4) { return .crosswalk }
            return rng.pick([.stopSign, .stopSign, .turnLeft, .turnRight, .turnLeft, .turnRight, .exitSign])
        }
        return rng.pick([.exitSign, .exitSign, .turnLeft, .turnRight, .stopSign])
    }

    /// A free spot for a sign: centre and longest side, inside the image, not overlapping others.
    func placeSign(taken: [Box], rng: inout SceneRandom) -> (Point, Double)? {
        let s = Double(size)
        for _ in 0..<12 {
            let extent = rng.logUniform(minObject, s * maxObjectFraction)
            let margin = extent / 2 + 1
            guard margin < s - margin else { continue }
            let centre = Point(rng.uniform(margin, s - margin), rng.uniform(margin, s - margin))
            let box = Box(minX: centre.x - margin, minY: centre.y - margin, maxX: centre.x + margin, maxY: centre.y + margin)
            if !taken.contains(where: { $0.iou(box) > 0 }) { return (centre, extent) }
        }
        return nil
    }

    /// Heights of a crosswalk band on the road: deeper bands are taller (perspective).
    func crosswalkBand(road: RoadLayout, rng: inout SceneRandom) -> (Double, Double)? {
        let depth = road.bottom - road.horizon
        let y0 = road.horizon + depth * rng.uniform(0.15, 0.7)
        let y1 = min(road.bottom - 1, y0 + (y0 - road.horizon) * rng.uniform(0.25, 0.6))
        let (l, r) = road.edges(at: y1)
        guard y1 - y0 >= 3, min(r, Double(size)) - max(l, 0) >= minObject else { return nil }
        return (y0, y1)
    }
}
