import EdgeVision
import Foundation

/// Draws the five landmark classes. Each sign is built in unit coordinates (about [-1, 1]²) and
/// placed by a homography: scale, a small rotation (≤ 12°, so left and right arrows stay what
/// they are) and a little perspective. Each registers its silhouette for the visible box.
enum Landmarks {
    /// Unit → image transform for a sign of half-size `radius` at `centre`.
    static func placement(centre: Point, radius: Double, aspect: Double = 1, rng: inout SceneRandom) -> Homography {
        let yaw = rng.uniform(0.75, 1)
        return Homography.perspective(rng.uniform(-0.12, 0.12), rng.uniform(-0.06, 0.06))
            .then(.scale(radius * aspect * yaw, radius))
            .then(.rotation(rng.uniform(-12, 12) * .pi / 180))
            .then(.translation(centre.x, centre.y))
    }

    /// Letter-like white marks: `count` blocks across `[x0, x1] × [y0, y1]`, some with holes.
    static func letters(count: Int, x0: Double, x1: Double, y0: Double, y1: Double, rng: inout SceneRandom) -> [Path] {
        let pitch = (x1 - x0) / Double(count)
        var paths: [Path] = []
        for i in 0..<count {
            let a = x0 + Double(i) * pitch + pitch * 0.12, b = a + pitch * 0.76
            paths.append(Shapes.rect(a, y0, b, y1))
            let h = (y1 - y0)
            switch rng.int(0...2) {
            case 0: paths.append(Shapes.rect(a + (b - a) * 0.35, y0 + h * 0.25, b - (b - a) * 0.35, y1 - h * 0.25).reversed())
            case 1: paths.append(Shapes.rect(a + (b - a) * 0.4, y0 + h * 0.2, b, y0 + h * 0.4).reversed())
            default: break
            }
        }
        return paths
    }

    static func stopSign(_ scene: inout SceneCanvas, centre: Point, size: Double, rng: inout SceneRandom) {
        let h = placement(centre: centre, radius: size / 2, rng: &rng)
        let octagon = Shapes.regular(8, phase: .pi / 8)
        let outer = h.apply(octagon)
        scene.draw(outer, .solid(RGB(0.95, 0.95, 0.93).scaled(Float(rng.uniform(0.85, 1)))))
        let red = RGB(Float(rng.uniform(0.7, 0.92)), Float(rng.uniform(0.04, 0.15)), Float(rng.uniform(0.06, 0.16)))
        scene.draw(h.apply(octagon.map { Point($0.x * 0.86, $0.y * 0.86) }), .solid(red))
        let marks = letters(count: 4, x0: -0.62, x1: 0.62, y0: -0.2, y1: 0.2, rng: &rng).map(h.apply)
        scene.draw(marks, .solid(RGB(0.95, 0.95, 0.95)))
        scene.register(.stopSign, silhouette: [outer])
    }

    static func turnSign(_ scene: inout SceneCanvas, left: Bool, centre: Point, size: Double, rng: inout SceneRandom) {
        let h = placement(centre: centre, radius: size / 2, rng: &rng)
        let plate = rng.chance(0.5) ? Shapes.circle() : Shapes.rect(-1, -1, 1, 1)
        let blue = RGB(Float(rng.uniform(0.02, 0.15)), Float(rng.uniform(0.25, 0.45)), Float(rng.uniform(0.6, 0.85)))
        let outline = h.apply(plate)
        if rng.chance(0.5) {
            scene.draw(outline, .solid(RGB(0.95, 0.95, 0.95)))
            scene.draw(h.apply(plate.map { Point($0.x * 0.9, $0.y * 0.9) }), .solid(blue))
        } else {
            scene.draw(outline, .solid(blue))
        }
        let arrow = Shapes.arrowRight(shaftHalf: rng.uniform(0.12, 0.2), headHalf: rng.uniform(0.4, 0.55), headStart: rng.uniform(-0.05, 0.15))
        scene.draw(h.apply(left ? Shapes.mirrored(arrow) : arrow), .solid(RGB(0.96, 0.96, 0.96)))
        scene.register(left ? .turnLeft : .turnRight, silhouette: [outline])
    }

    /// Green panel, white running-figure pictogram on the left, a text block on the right.
    static func exitSign(_ scene: inout SceneCanvas, centre: Point, size: Double, rng: inout SceneRandom) {
        let aspect = rng.uniform(1.6, 2.4)
        let h = placement(centre: centre, radius: size / (2 * aspect), aspect: aspect, rng: &rng)
        let panel = h.apply(Shapes.rect(-1, -1, 1, 1))
        let green = RGB(Float(rng.uniform(0.0, 0.12)), Float(rng.uniform(0.45, 0.65)), Float(rng.uniform(0.2, 0.35)))
        scene.draw(panel, .solid(green))
        let white = Paint.solid(RGB(0.95, 0.97, 0.95))
        // Running figure and text in height units (u, v), v in [-1, 1]; unit x = u / aspect.
        func p(_ u: Double, _ v: Double) -> Point { Point(u / aspect, v) }
        let u0 = -aspect + 0.3
        let figure: [Path] = [
            Shapes.circle().map { p(u0 + 0.45 + 0.17 * $0.x, -0.55 + 0.17 * $0.y) },
            [p(u0 + 0.3, -0.3), p(u0 + 0.55, -0.3), p(u0 + 0.4, 0.25), p(u0 + 0.15, 0.25)],
            [p(u0 + 0.15, 0.2), p(u0 + 0.32, 0.2), p(u0, 0.75), p(u0 - 0.15, 0.75)],
            [p(u0 + 0.3, 0.2), p(u0 + 0.45, 0.2), p(u0 + 0.8, 0.75), p(u0 + 0.65, 0.75)],
            [p(u0 + 0.45, -0.25), p(u0 + 0.85, 0.0), p(u0 + 0.8, 0.1), p(u0 + 0.4, -0.12)],
        ]
        scene.draw(figure.map(h.apply), white)
        let text = letters(count: 4, x0: (u0 + 1.05) / aspect, x1: (aspect - 0.15) / aspect, y0: -0.45, y1: 0.45, rng: &rng)
        scene.draw(text.map(h.apply), white)
        scene.register(.exitSign, silhouette: [panel])
    }

    /// Zebra stripes across the road between heights `y0` and `y1`, in perspective: each stripe
    /// is a quad whose sides converge to the vanishing point like the road edges.
    static func crosswalk(_ scene: inout SceneCanvas, road: RoadLayout, y0: Double, y1: Double, rng: inout SceneRandom) {
        let top = road.edges(at: y0), bottom = road.edges(at: y1)
        let stripes = rng.int(5...9)
        let paint = Textures.noisy(RGB(0.92, 0.92, 0.9).scaled(Float(rng.uniform(0.8, 1))), amount: 0.15, scale: 2, seed: rng.next())
        var paths: [Path] = []
        let slots = 2 * stripes + 1
        for i in 0..<stripes {
            let f0 = Double(2 * i + 1) / Double(slots), f1 = Double(2 * i + 2) / Double(slots)
            paths.append(Shapes.quad(top: (top.0 + (top.1 - top.0) * f0, top.0 + (top.1 - top.0) * f1),
                                     bottom: (bottom.0 + (bottom.1 - bottom.0) * f0, bottom.0 + (bottom.1 - bottom.0) * f1), y0: y0, y1: y1))
        }
        scene.draw(paths, paint)
        scene.register(.crosswalk, silhouette: paths)
    }

    /// A grey pole from the sign down to the ground line (drawn before the sign).
    static func pole(_ scene: inout SceneCanvas, x: Double, from y: Double, to ground: Double, width: Double) {
        guard ground > y else { return }
        scene.draw(Shapes.rect(x - width / 2, y, x + width / 2, ground), .solid(RGB(0.45, 0.45, 0.47)))
    }
}
