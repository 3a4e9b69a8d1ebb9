import EdgeRuntime
@testable import EdgeVision
import XCTest

final class LetterboxTests: XCTestCase {
    func testGeometryOfAWideImage() {
        let lb = Letterbox(sourceWidth: 640, sourceHeight: 480, targetWidth: 128, targetHeight: 128)
        XCTAssertEqual(lb.resizedWidth, 128)
        XCTAssertEqual(lb.resizedHeight, 96)
        XCTAssertEqual(lb.padLeft, 0)
        XCTAssertEqual(lb.padTop, 16)
        // Model pixel (64, 64) is the source centre.
        let box = lb.toSource(Box(minX: 32, minY: 40, maxX: 96, maxY: 88))
        XCTAssertEqual(box, Box(minX: 160, minY: 120, maxX: 480, maxY: 360))
    }

    func testToSourceInvertsToInputAndClips() {
        let lb = Letterbox(sourceWidth: 300, sourceHeight: 701, targetWidth: 128, targetHeight: 96)
        let source = Box(x: 17.5, y: 100.25, width: 80, height: 300)
        let back = lb.toSource(lb.toInput(source))
        XCTAssertEqual(back.x, source.x, accuracy: 1e-9)
        XCTAssertEqual(back.maxY, source.maxY, accuracy: 1e-9)
        // A box reaching into the padding is clipped to the source image.
        let clipped = lb.toSource(Box(minX: -10, minY: -10, maxX: 200, maxY: 200))
        XCTAssertEqual(clipped, Box(minX: 0, minY: 0, maxX: 300, maxY: 701))
    }

    /// A narrower image at the model's height is only padded (scale 1): pixels copied, the
    /// left and right bands grey.
    func testUnscaledImageIsCopiedAndPadded() throws {
        let image = TestImages.ramp(width: 12, height: 16)
        let lb = Letterbox(sourceWidth: 12, sourceHeight: 16, targetWidth: 16, targetHeight: 16)
        XCTAssertEqual([lb.resizedWidth, lb.resizedHeight, lb.padLeft, lb.padTop], [12, 16, 2, 0])
        let v: [Float] = try lb.tensor(from: image).scalars()
        for y in 0..<16 {
            for x in 0..<16 {
                for c in 0..<3 {
                    let got = v[c * 256 + y * 16 + x]
                    if x < 2 || x >= 14 {
                        XCTAssertEqual(got, Letterbox.padValue, "padding at (\(x), \(y))")
                    } else {
                        let p = image[x - 2, y], byte = [p.r, p.g, p.b][c]
                        XCTAssertEqual(got, Float(byte) / 255, accuracy: 1e-6, "pixel at (\(x), \(y)) channel \(c)")
                    }
                }
            }
        }
    }

    func testIdentityResizeIsExact() throws {
        let image = TestImages.ramp(width: 16, height: 16)
        let t = try Letterbox(sourceWidth: 16, sourceHeight: 16, targetWidth: 16, targetHeight: 16).tensor(from: image)
        XCTAssertEqual(t.shape, [1, 3, 16, 16])
        let v: [Float] = t.scalars()
        for y in 0..<16 {
            for x in 0..<16 {
                let p = image[x, y]
                XCTAssertEqual(v[y * 16 + x], Float(p.r) / 255, accuracy: 1e-6)
                XCTAssertEqual(v[256 + y * 16 + x], Float(p.g) / 255, accuracy: 1e-6)
                XCTAssertEqual(v[512 + y * 16 + x], Float(p.b) / 255, accuracy: 1e-6)
            }
        }
    }

    func testPaddingAndUniformColour() throws {
        let image = RGBImage(width: 40, height: 10, fill: (255, 0, 51))
        let t = try Letterbox(sourceWidth: 40, sourceHeight: 10, targetWidth: 8, targetHeight: 8).tensor(from: image)
        let v: [Float] = t.scalars()
        // 40x10 → 8x2, rows 3 and 4 hold the image; the rest is padding.
        for y in 0..<8 {
            let expected: (Float, Float, Float) = (3...4).contains(y) ? (1, 0, 0.2) : (Letterbox.padValue, Letterbox.padValue, Letterbox.padValue)
            XCTAssertEqual(v[y * 8 + 5], expected.0, accuracy: 1e-6, "row \(y)")
            XCTAssertEqual(v[64 + y * 8 + 5], expected.1, accuracy: 1e-6)
            XCTAssertEqual(v[128 + y * 8 + 5], expected.2, accuracy: 1e-6)
        }
    }

    func testDownscaleAveragesInsteadOfAliasing() throws {
        // A one-pixel checkerboard shrunk 8x: plain 4-tap bilinear would return ~0 or ~1,
        // the widened filter returns the mean.
        var image = RGBImage(width: 64, height: 64)
        for y in 0..<64 { for x in 0..<64 where (x + y) % 2 == 0 { image[x, y] = (255, 255, 255) } }
        let t = try Letterbox(sourceWidth: 64, sourceHeight: 64, targetWidth: 8, targetHeight: 8).tensor(from: image)
        for value in t.scalars(as: Float.self) { XCTAssertEqual(value, 0.5, accuracy: 0.02) }
    }
}
