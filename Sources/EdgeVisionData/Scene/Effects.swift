import EdgeVision
import Foundation

/// Camera effects applied to the whole rendered image: light falloff and shadows, blur,
/// colour/exposure jitter and sensor noise, then 8-bit quantization.
enum Effects {
    static func apply(_ canvas: inout Canvas, rng: inout SceneRandom) {
        if rng.chance(0.3) { gaussianBlur(&canvas, sigma: rng.uniform(0.4, 1.2)) }
        if rng.chance(0.2) { motionBlur(&canvas, length: rng.int(3...6), angle: rng.uniform(0, .pi)) }
        // Exposure, contrast, white balance and a brightness ramp across the frame.
        let gain = Float(rng.uniform(0.6, 1.3)), contrast = Float(rng.uniform(0.7, 1.2))
        let balance = (Float(rng.uniform(0.9, 1.1)), Float(rng.uniform(0.9, 1.1)), Float(rng.uniform(0.9, 1.1)))
        let gamma = Float(rng.uniform(0.8, 1.25))
        let ramp = (Float(rng.uniform(-0.25, 0.25)), Float(rng.uniform(-0.25, 0.25)))
        let sigma = Float(rng.uniform(0.004, 0.035))
        let n = Float(canvas.width)
        // v^gamma from a table over [0, 2] with linear interpolation (powf per value is slow).
        let steps: Float = 2048
        let table = (0...Int(steps) + 1).map { powf(Float($0) / steps * 2, gamma) }
        func curve(_ v: Float) -> Float {
            let t = min(max(v, 0), 2) * (steps / 2)
            let i = Int(t)
            return table[i] + (table[i + 1] - table[i]) * (t - Float(i))
        }
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let light = gain * (1 + ramp.0 * (Float(x) / n - 0.5) + ramp.1 * (Float(y) / n - 0.5))
                let i = (y * canvas.width + x) * 3
                func develop(_ v: Float, _ wb: Float) -> Float {
                    curve((v - 0.5) * contrast + 0.5) * light * wb + sigma * Float(rng.roughNormal())
                }
                canvas.pixels[i] = develop(canvas.pixels[i], balance.0)
                canvas.pixels[i + 1] = develop(canvas.pixels[i + 1], balance.1)
                canvas.pixels[i + 2] = develop(canvas.pixels[i + 2], balance.2)
            }
        }
    }

    /// Separable Gaussian blur with clamped borders.
    static func gaussianBlur(_ canvas: inout Canvas, sigma: Double) {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        convolve(&canvas, kernel: kernel, dx: 1, dy: 0)
        convolve(&canvas, kernel: kernel, dx: 0, dy: 1)
    }

    /// Box blur along a line of `length` pixels at `angle` (camera shake).
    static func motionBlur(_ canvas: inout Canvas, length: Int, angle: Double) {
        let source = canvas.pixels
        let w = canvas.width, h = canvas.height
        let offsets = (0..<length).map { k -> (Int, Int) in
            let t = Double(k) - Double(length - 1) / 2
            return (Int((t * cos(angle)).rounded()), Int((t * sin(angle)).rounded()))
        }
        for y in 0..<h {
            for x in 0..<w {
                var sum = (Float(0), Float(0), Float(0))
                for (ox, oy) in offsets {
                    let j = (min(max(y + oy, 0), h - 1) * w + min(max(x + ox, 0), w - 1)) * 3
                    sum.0 += source[j]; sum.1 += source[j + 1]; sum.2 += source[j + 2]
                }
                let i = (y * w + x) * 3, k = 1 / Float(length)
                canvas.pixels[i] = sum.0 * k; canvas.pixels[i + 1] = sum.1 * k; canvas.pixels[i + 2] = sum.2 * k
            }
        }
    }

    static func convolve(_ canvas: inout Canvas, kernel: [Float], dx: Int, dy: Int) {
        let source = canvas.pixels
        let w = canvas.width, h = canvas.height, r = kernel.count / 2
        for y in 0..<h {
            for x in 0..<w {
                var sum = (Float(0), Float(0), Float(0))
                for (k, weight) in kernel.enumerated() {
                    let sx = min(max(x + (k - r) * dx, 0), w - 1), sy = min(max(y + (k - r) * dy, 0), h - 1)
                    let j = (sy * w + sx) * 3
                    sum.0 += weight * source[j]; sum.1 += weight * source[j + 1]; sum.2 += weight * source[j + 2]
                }
                let i = (y * w + x) * 3
                canvas.pixels[i] = sum.0; canvas.pixels[i + 1] = sum.1; canvas.pixels[i + 2] = sum.2
            }
        }
    }

    /// Rounds to 8 bits with clamping.
    static func quantize(_ canvas: Canvas) -> RGBImage {
        var image = RGBImage(width: canvas.width, height: canvas.height)
        image.pixels = canvas.pixels.map { UInt8(min(max(($0 * 255).rounded(), 0), 255)) }
        return image
    }
}
