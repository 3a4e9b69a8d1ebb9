import Foundation

/// Procedural paints: gradients and textures, all pure functions of the pixel position and a
/// seed (so rendering stays deterministic).
public enum Textures {
    /// Smooth value noise in about [0, 1] on a lattice of `scale` pixels, two octaves.
    public static func noise(_ x: Double, _ y: Double, scale: Double, seed: UInt64) -> Float {
        func lattice(_ ix: Int, _ iy: Int, _ salt: UInt64) -> Double {
            var h = UInt64(bitPattern: Int64(ix)) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: Int64(iy)) &* 0xC2B2_AE3D_27D4_EB4F ^ (seed &+ salt)
            h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 32
            return Double(h & 0xFFFF) / 65535
        }
        func octave(_ s: Double, _ salt: UInt64) -> Double {
            let fx = x / s, fy = y / s
            let ix = Int(fx.rounded(.down)), iy = Int(fy.rounded(.down))
            let tx = fx - Double(ix), ty = fy - Double(iy)
            let sx = tx * tx * (3 - 2 * tx), sy = ty * ty * (3 - 2 * ty)
            let top = lattice(ix, iy, salt) + (lattice(ix + 1, iy, salt) - lattice(ix, iy, salt)) * sx
            let bottom = lattice(ix, iy + 1, salt) + (lattice(ix + 1, iy + 1, salt) - lattice(ix, iy + 1, salt)) * sx
            return top + (bottom - top) * sy
        }
        return Float(0.65 * octave(scale, 1) + 0.35 * octave(scale / 3, 2))
    }

    /// `base` modulated by noise of relative `amount`.
    public static func noisy(_ base: RGB, amount: Float, scale: Double, seed: UInt64) -> Paint {
        .field { x, y in base.scaled(1 + amount * (noise(x, y, scale: scale, seed: seed) - 0.5) * 2) }
    }

    /// Vertical gradient from `top` at `y0` to `bottom` at `y1`.
    public static func vertical(_ top: RGB, _ bottom: RGB, y0: Double, y1: Double) -> Paint {
        .field { _, y in top.mixed(bottom, Float(min(max((y - y0) / max(y1 - y0, 1e-9), 0), 1))) }
    }

    /// Running-bond bricks with mortar lines, each brick's shade jittered.
    public static func bricks(_ brick: RGB, mortar: RGB, width: Double, height: Double, seed: UInt64) -> Paint {
        .field { x, y in
            let row = (y / height).rounded(.down)
            let shifted = x + (Int(row) % 2 == 0 ? 0 : width / 2)
            let column = (shifted / width).rounded(.down)
            let u = shifted - column * width, v = y - row * height
            if u < 1 || v < 1 { return mortar }
            let shade = 0.85 + 0.3 * noise(column * 7.1, row * 3.3, scale: 1, seed: seed)
            return brick.scaled(shade)
        }
    }

    /// Alternating bands of `period` pixels along direction `angle` (radians).
    public static func stripes(_ a: RGB, _ b: RGB, period: Double, angle: Double, duty: Double = 0.5) -> Paint {
        let cx = cos(angle), sy = sin(angle)
        return .field { x, y in
            let t = (x * cx + y * sy) / period
            return t - t.rounded(.down) < duty ? a : b
        }
    }

    /// Square tiles with grout lines.
    public static func tiles(_ a: RGB, _ b: RGB, size: Double, grout: RGB) -> Paint {
        .field { x, y in
            let u = x / size, v = y / size
            if u - u.rounded(.down) < 0.08 || v - v.rounded(.down) < 0.08 { return grout }
            return (Int(u.rounded(.down)) + Int(v.rounded(.down))) % 2 == 0 ? a : b
        }
    }

    /// Horizontal planks whose shade varies per plank and along the grain.
    public static func planks(_ wood: RGB, height: Double, seed: UInt64) -> Paint {
        .field { x, y in
            let row = (y / height).rounded(.down)
            if y - row * height < 0.8 { return wood.scaled(0.6) }
            let grain = noise(x * 0.15, y * 2, scale: 2, seed: seed &+ UInt64(row + 1000))
            return wood.scaled(0.8 + 0.25 * grain + 0.1 * noise(row, 0, scale: 1, seed: seed))
        }
    }
}
