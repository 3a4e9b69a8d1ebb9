import Foundation

/// Things that look a little like landmarks but are not (hard negatives), drawn as background,
/// and occluders drawn in front of landmarks.
enum Distractors {
    /// One random look-alike of about `size` pixels at `centre`.
    static func paint(_ scene: inout SceneCanvas, centre: Point, size: Double, road: RoadLayout?, rng: inout SceneRandom) {
        let h = Homography.scale(size / 2, size / 2).then(.rotation(rng.uniform(-0.5, 0.5))).then(.translation(centre.x, centre.y))
        let white = Paint.solid(RGB(0.95, 0.95, 0.95))
        switch rng.int(0...8) {
        case 0:  // red disc, sometimes a no-entry bar
            let red = RGB(Float(rng.uniform(0.7, 0.9)), 0.1, 0.1)
            scene.draw(h.apply(Shapes.circle()), .solid(red))
            if rng.chance(0.5) { scene.draw(h.apply(Shapes.rect(-0.65, -0.15, 0.65, 0.15)), white) }
        case 1:  // warning diamond
            scene.draw(h.apply(Shapes.regular(4)), .solid(RGB(0.1, 0.1, 0.1)))
            scene.draw(h.apply(Shapes.regular(4).map { Point($0.x * 0.85, $0.y * 0.85) }), .solid(RGB(0.95, 0.8, 0.1)))
        case 2:  // blue plate without an arrow (parking-like block or nothing)
            let plate = rng.chance(0.5) ? Shapes.rect(-1, -0.8, 1, 0.8) : Shapes.circle()
            scene.draw(h.apply(plate), .solid(RGB(0.08, 0.35, 0.75)))
            if rng.chance(0.6) { scene.draw(h.apply(Shapes.rect(-0.3, -0.5, 0.3, 0.5)), white) }
        case 3:  // hazard or barcode stripes: not a crosswalk
            let paint = rng.chance(0.5)
                ? Textures.stripes(RGB(0.95, 0.8, 0.1), RGB(0.1, 0.1, 0.1), period: rng.uniform(3, 7), angle: .pi / 4)
                : Textures.stripes(RGB(0.9, 0.9, 0.9), RGB(0.3, 0.3, 0.3), period: rng.uniform(2, 6), angle: rng.chance(0.5) ? 0 : .pi / 2)
            scene.draw(h.apply(Shapes.rect(-1, -0.4, 1, 0.4)), paint)
        case 4:  // green street-name sign: text, no pictogram
            scene.draw(h.apply(Shapes.rect(-1, -0.35, 1, 0.35)), .solid(RGB(0.05, 0.45, 0.25)))
            scene.draw(h.apply(Shapes.rect(-0.8, -0.12, 0.8, 0.12)), white)
        case 5:  // orange cone
            scene.draw(h.apply([Point(0, -1), Point(0.45, 1), Point(-0.45, 1)]), .solid(RGB(0.95, 0.45, 0.1)))
            scene.draw(h.apply(Shapes.rect(-0.25, -0.1, 0.25, 0.15)), white)
        case 6:  // white arrow painted on the ground (no blue plate)
            let arrow = Shapes.arrowRight()
            scene.draw(h.apply(rng.chance(0.5) ? arrow : Shapes.mirrored(arrow)), .solid(RGB(0.85, 0.85, 0.85)))
        case 7:  // fence: horizontal slats
            scene.draw(h.apply(Shapes.rect(-1, -0.5, 1, 0.5)), Textures.stripes(RGB(0.6, 0.45, 0.3), RGB(0.25, 0.2, 0.15), period: 3, angle: .pi / 2, duty: 0.7))
        default:  // random convex blob in a random colour
            let colour = RGB(Float(rng.unit()), Float(rng.unit()), Float(rng.unit()))
            scene.draw(h.apply(Shapes.regular(rng.int(3...7), phase: rng.uniform(0, 1))), .solid(colour))
        }
    }

    /// Something in front of a landmark box: a pole, a person-like shape or foliage, covering at
    /// most about 40% of the box width (so the landmark stays recognisable).
    static func occlude(_ scene: inout SceneCanvas, box: (x0: Double, y0: Double, x1: Double, y1: Double), rng: inout SceneRandom) {
        let w = box.x1 - box.x0, h = box.y1 - box.y0
        let fromLeft = rng.chance(0.5)
        switch rng.int(0...2) {
        case 0:
            let pw = w * rng.uniform(0.1, 0.25)
            let x = box.x0 + w * rng.uniform(0.1, 0.9)
            scene.draw(Shapes.rect(x - pw / 2, box.y0 - h, x + pw / 2, Double(scene.size)), .solid(RGB(0.25, 0.25, 0.27)))
        case 1:
            let cover = w * rng.uniform(0.2, 0.4)
            let x0 = fromLeft ? box.x0 - w * 0.3 : box.x1 - cover
            let x1 = fromLeft ? box.x0 + cover : box.x1 + w * 0.3
            let cloth = RGB(Float(rng.uniform(0.05, 0.5)), Float(rng.uniform(0.05, 0.4)), Float(rng.uniform(0.05, 0.4)))
            scene.draw(Shapes.rect(x0, box.y0 + h * rng.uniform(0.2, 0.6), x1, Double(scene.size)), .solid(cloth))
        default:
            let cover = w * rng.uniform(0.2, 0.4)
            let cx = fromLeft ? box.x0 + cover - w * 0.3 : box.x1 - cover + w * 0.3
            let leaves = Shapes.regular(9, phase: rng.unit()).map { Point(cx + $0.x * w * 0.3, box.y1 - h * 0.1 + $0.y * h * 0.45) }
            scene.draw(leaves, Textures.noisy(RGB(0.15, 0.4, 0.12), amount: 0.4, scale: 2, seed: rng.next()))
        }
    }
}
