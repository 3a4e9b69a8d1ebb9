@testable import EdgeVisionData
import XCTest

final class RasterizerTests: XCTestCase {
    func testAlignedSquareIsExact() throws {
        let c = try XCTUnwrap(Rasterizer.coverage(of: [Shapes.rect(2, 3, 6, 5)], clipWidth: 10, clipHeight: 10))
        for y in 0..<10 {
            for x in 0..<10 {
                XCTAssertEqual(c.value(x, y), (2..<6).contains(x) && (3..<5).contains(y) ? 1 : 0, accuracy: 1e-6, "(\(x), \(y))")
            }
        }
    }

    func testHalfPixelEdgesGiveHalfCoverage() throws {
        let c = try XCTUnwrap(Rasterizer.coverage(of: [Shapes.rect(1.5, 1, 3.5, 2)], clipWidth: 5, clipHeight: 5))
        XCTAssertEqual(c.value(1, 1), 0.5, accuracy: 1e-6)
        XCTAssertEqual(c.value(2, 1), 1, accuracy: 1e-6)
        XCTAssertEqual(c.value(3, 1), 0.5, accuracy: 1e-6)
    }

    func testAreaOfRotatedPolygonsAndHoles() throws {
        // Any polygon's total coverage equals its area (the method is exact per pixel).
        let octagon = Homography.scale(20, 20).then(.rotation(0.3)).then(.translation(32, 32)).apply(Shapes.regular(8))
        let c = try XCTUnwrap(Rasterizer.coverage(of: [octagon], clipWidth: 64, clipHeight: 64))
        let exact = 2 * sqrt(2.0) * 400  // regular octagon of circumradius 20
        XCTAssertEqual(c.area, exact, accuracy: 1e-6 * exact)
        // A reversed inner square cuts a hole.
        let ring = try XCTUnwrap(Rasterizer.coverage(of: [Shapes.rect(10, 10, 30, 30), Shapes.rect(15, 15, 25, 25).reversed()], clipWidth: 64, clipHeight: 64))
        XCTAssertEqual(ring.area, 400 - 100, accuracy: 1e-6)
        XCTAssertEqual(ring.value(20, 20), 0, accuracy: 1e-6)
    }

    func testShapesCrossingTheBorderAreClipped() throws {
        // Shapes reaching past the borders: coverage equals the area inside the canvas.
        let c = try XCTUnwrap(Rasterizer.coverage(of: [Shapes.rect(-5.5, -3, 4.25, 20)], clipWidth: 8, clipHeight: 8))
        XCTAssertEqual(c.x0, 0)
        XCTAssertEqual(c.area, 4.25 * 8, accuracy: 1e-6)
        let diagonal = try XCTUnwrap(Rasterizer.coverage(of: [[Point(-10, -10), Point(20, -10), Point(-10, 20)]], clipWidth: 8, clipHeight: 8))
        // Inside the canvas the hypotenuse x + y = 10 cuts off a 6x6 corner: 64 - 18.
        XCTAssertEqual(diagonal.area, 46, accuracy: 1e-6)
        XCTAssertNil(Rasterizer.coverage(of: [Shapes.rect(20, 20, 30, 30)], clipWidth: 8, clipHeight: 8))
        XCTAssertNil(Rasterizer.coverage(of: [[Point(.nan, 0), Point(1, .infinity)]], clipWidth: 8, clipHeight: 8))
    }
}
