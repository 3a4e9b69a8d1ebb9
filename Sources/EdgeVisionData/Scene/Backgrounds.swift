import Foundation

/// Where the street's road lies, for placing crosswalks and poles.
struct RoadLayout {
    var horizon: Double
    /// Road edges at the horizon and at the bottom of the image.
    var topLeft: Double, topRight: Double, bottomLeft: Double, bottomRight: Double
    var bottom: Double

    /// Left and right road edge at height `y` (linear between horizon and bottom).
    func edges(at y: Double) -> (Double, Double) {
        let t = (y - horizon) / (bottom - horizon)
        return (topLeft + (bottomLeft - topLeft) * t, topRight + (bottomRight - topRight) * t)
    }
}

/// What the background left for the landmarks: the ground line and, outdoors, the road.
struct BackgroundLayout {
    var isStreet: Bool
    /// Height of the horizon (street) or of the wall/floor line (indoor).
    var groundY: Double
    var road: RoadLayout?
}

/// Street and indoor backdrops: sky, facades with windows, asphalt with lane marks; walls,
/// doors, floors. Everything here is background: it never hides a landmark (drawn first).
enum Backgrounds {
    static func paint(_ scene: inout SceneCanvas, street: Bool, rng: inout SceneRandom) -> BackgroundLayout {
        street ? paintStreet(&scene, &rng) : paintIndoor(&scene, &rng)
    }

    static func jitter(_ c: RGB, _ rng: inout SceneRandom, _ amount: Double = 0.08) -> RGB {
        RGB(c.r * Float(1 + rng.uniform(-amount, amount)), c.g * Float(1 + rng.uniform(-amount, amount)), c.b * Float(1 + rng.uniform(-amount, amount)))
    }

    static func paintStreet(_ scene: inout SceneCanvas, _ rng: inout SceneRandom) -> BackgroundLayout {
        let s = Double(scene.size)
        let horizon = s * rng.uniform(0.3, 0.55)
        let skies: [(RGB, RGB)] = [(RGB(0.3, 0.5, 0.85), RGB(0.75, 0.85, 0.95)), (RGB(0.58, 0.6, 0.64), RGB(0.85, 0.86, 0.88)),
                                   (RGB(0.22, 0.26, 0.48), RGB(0.92, 0.62, 0.42)), (RGB(0.1, 0.12, 0.2), RGB(0.3, 0.3, 0.35))]
        let sky = rng.pick(skies)
        scene.canvas.fillAll(Textures.vertical(jitter(sky.0, &rng), jitter(sky.1, &rng), y0: 0, y1: horizon))
        // Facades along the horizon.
        let facades = [RGB(0.55, 0.25, 0.18), RGB(0.8, 0.72, 0.58), RGB(0.55, 0.55, 0.55), RGB(0.85, 0.85, 0.82), RGB(0.3, 0.4, 0.5), RGB(0.65, 0.5, 0.35)]
        var x = -s * rng.uniform(0, 0.2)
        while x < s {
            let w = s * rng.uniform(0.15, 0.45)
            let top = s * rng.uniform(0.0, max(0.02, horizon / s - 0.08))
            let colour = jitter(rng.pick(facades), &rng)
            let paint: Paint = rng.chance(0.4)
                ? Textures.bricks(colour, mortar: colour.scaled(1.25), width: rng.uniform(4, 9), height: rng.uniform(2, 4), seed: rng.next())
                : Textures.noisy(colour, amount: 0.12, scale: rng.uniform(3, 12), seed: rng.next())
            scene.draw(Shapes.rect(x, top, x + w, horizon + 1), paint)
            paintWindows(&scene, &rng, x0: x, y0: top, x1: x + w, y1: horizon)
            x += w + s * rng.uniform(-0.02, 0.05)
        }
        // Pavement, then the road converging to a vanishing point on the horizon.
        scene.draw(Shapes.rect(0, horizon, s, s), Textures.noisy(jitter(RGB(0.6, 0.58, 0.55), &rng), amount: 0.1, scale: 4, seed: rng.next()))
        let vx = s * rng.uniform(0.3, 0.7)
        let road = RoadLayout(horizon: horizon, topLeft: vx - s * 0.03, topRight: vx + s * 0.03,
                              bottomLeft: s * rng.uniform(-0.35, 0.15), bottomRight: s * rng.uniform(0.85, 1.35), bottom: s)
        let asphalt = jitter(RGB(0.3, 0.3, 0.32), &rng, 0.2)
        scene.draw([Point(road.topLeft, horizon), Point(road.topRight, horizon), Point(road.bottomRight, s), Point(road.bottomLeft, s)],
                   Textures.noisy(asphalt, amount: 0.15, scale: rng.uniform(1.5, 4), seed: rng.next()))
        paintLaneMarks(&scene, &rng, road: road)
        return BackgroundLayout(isStreet: true, groundY: horizon, road: road)
    }

    static func paintWindows(_ scene: inout SceneCanvas, _ rng: inout SceneRandom, x0: Double, y0: Double, x1: Double, y1: Double) {
        guard rng.chance(0.8) else { return }
        let cell = rng.uniform(5, 12)
        let glass = rng.pick([RGB(0.15, 0.2, 0.3), RGB(0.5, 0.6, 0.7), RGB(0.9, 0.85, 0.6), RGB(0.1, 0.1, 0.1)])
        var y = y0 + cell * 0.4
        while y + cell * 0.6 < y1 {
            var x = x0 + cell * 0.3
            while x + cell * 0.6 < x1 {
                scene.draw(Shapes.rect(x, y, x + cell * 0.55, y + cell * 0.65), .solid(jitter(glass, &rng, 0.15)))
                x += cell
            }
            y += cell * 1.2
        }
    }

    static func paintLaneMarks(_ scene: inout SceneCanvas, _ rng: inout SceneRandom, road: RoadLayout) {
        let paint = RGB(0.9, 0.88, rng.chance(0.3) ? 0.3 : 0.85)
        let centreTop = (road.topLeft + road.topRight) / 2, centreBottom = (road.bottomLeft + road.bottomRight) / 2
        var t = 0.1
        while t < 1 {
            let t1 = min(1, t + 0.08 + t * 0.1)
            let ya = road.horizon + (road.bottom - road.horizon) * t, yb = road.horizon + (road.bottom - road.horizon) * t1
            let xa = centreTop + (centreBottom - centreTop) * t, xb = centreTop + (centreBottom - centreTop) * t1
            let wa = 0.3 + 2 * t, wb = 0.3 + 2 * t1
            scene.draw(Shapes.quad(top: (xa - wa, xa + wa), bottom: (xb - wb, xb + wb), y0: ya, y1: yb), .solid(paint))
            t = t1 + 0.06 + t * 0.12
        }
    }

    static func paintIndoor(_ scene: inout SceneCanvas, _ rng: inout SceneRandom) -> BackgroundLayout {
        let s = Double(scene.size)
        let floorY = s * rng.uniform(0.6, 0.88)
        let walls = [RGB(0.86, 0.84, 0.78), RGB(0.7, 0.75, 0.8), RGB(0.8, 0.7, 0.6), RGB(0.6, 0.65, 0.6), RGB(0.5, 0.5, 0.55), RGB(0.9, 0.9, 0.9)]
        let wall = jitter(rng.pick(walls), &rng)
        switch rng.int(0...2) {
        case 0: scene.canvas.fillAll(Textures.noisy(wall, amount: 0.08, scale: rng.uniform(4, 20), seed: rng.next()))
        case 1: scene.canvas.fillAll(Textures.stripes(wall, wall.scaled(0.9), period: rng.uniform(3, 10), angle: .pi / 2))
        default: scene.canvas.fillAll(Textures.vertical(wall.scaled(0.75), wall, y0: 0, y1: floorY))
        }
        // Doors and a ceiling light.
        for _ in 0..<rng.int(0...2) {
            let w = s * rng.uniform(0.12, 0.25), h = s * rng.uniform(0.3, 0.55)
            let x = rng.uniform(0, s - w)
            let door = jitter(rng.pick([RGB(0.45, 0.3, 0.18), RGB(0.6, 0.6, 0.62), RGB(0.3, 0.35, 0.45)]), &rng)
            scene.draw(Shapes.rect(x - 2, floorY - h - 2, x + w + 2, floorY), .solid(door.scaled(0.7)))
            scene.draw(Shapes.rect(x, floorY - h, x + w, floorY), Textures.noisy(door, amount: 0.1, scale: 6, seed: rng.next()))
            scene.draw(Shapes.rect(x + w * 0.8, floorY - h * 0.5, x + w * 0.9, floorY - h * 0.46), .solid(RGB(0.8, 0.75, 0.5)))
        }
        if rng.chance(0.5) {
            let x = rng.uniform(0, s * 0.7)
            scene.draw(Shapes.rect(x, 0, x + s * rng.uniform(0.15, 0.3), s * 0.04), .solid(RGB(1, 1, 0.95)))
        }
        let floor: Paint
        switch rng.int(0...2) {
        case 0: floor = Textures.planks(jitter(RGB(0.55, 0.38, 0.22), &rng), height: rng.uniform(3, 7), seed: rng.next())
        case 1: floor = Textures.tiles(jitter(RGB(0.75, 0.75, 0.72), &rng), jitter(RGB(0.6, 0.6, 0.6), &rng), size: rng.uniform(5, 14), grout: RGB(0.4, 0.4, 0.4))
        default: floor = Textures.noisy(jitter(RGB(0.35, 0.35, 0.4), &rng), amount: 0.2, scale: 3, seed: rng.next())
        }
        scene.draw(Shapes.rect(0, floorY, s, s), floor)
        scene.draw(Shapes.rect(0, floorY - 1.5, s, floorY + 0.5), .solid(wall.scaled(0.5)))
        return BackgroundLayout(isStreet: false, groundY: floorY, road: nil)
    }
}
