import EdgeRuntime
@testable import EdgeVision
import XCTest

/// The one training-target encoder (used by EdgeTrain) against hand-computed cells and the
/// production decoder.
final class DetectionTargetEncoderTests: XCTestCase {
    func encode(_ objects: [(Int, Box)], size: Int = 64) -> (heat: [Float], boxes: [Float], mask: [Float]) {
        let e = DetectionTargetEncoder(imageSize: size, classCount: 5)
        let g = e.grid
        var heat = [Float](repeating: 0, count: 5 * g * g), boxes = [Float](repeating: 0, count: 4 * g * g), mask = [Float](repeating: 0, count: g * g)
        heat.withUnsafeMutableBufferPointer { h in
            boxes.withUnsafeMutableBufferPointer { b in
                mask.withUnsafeMutableBufferPointer { m in
                    e.encode(objects.map { (classIndex: $0.0, box: $0.1) }, heatmap: h.baseAddress!, boxes: b.baseAddress!, mask: m.baseAddress!)
                }
            }
        }
        return (heat, boxes, mask)
    }

    func testCentreCellPeakGaussianAndDistances() {
        // Box centre (21, 30) → cell (5, 7), whose centre is (22, 30).
        let t = encode([(2, Box(minX: 11, minY: 22, maxX: 31, maxY: 38))])
        let g = 16, cell = 7 * g + 5
        XCTAssertEqual(t.heat[2 * g * g + cell], 1)
        XCTAssertEqual(t.mask[cell], 1)
        XCTAssertEqual(t.mask.reduce(0, +), 1)
        XCTAssertEqual([t.boxes[cell], t.boxes[g * g + cell], t.boxes[2 * g * g + cell], t.boxes[3 * g * g + cell]], [11, 8, 9, 8])
        // Right neighbour: σx = 0.54·20/4/6 = 0.45 cells → exp(−1 / (2·0.45²)).
        XCTAssertEqual(t.heat[2 * g * g + cell + 1], Float(exp(-1 / (2 * 0.45 * 0.45))), accuracy: 1e-6)
        // Below: σy = max(0.54·16/4/6, 0.3) = 0.36 cells.
        XCTAssertEqual(t.heat[2 * g * g + cell + g], Float(exp(-1 / (2 * 0.36 * 0.36))), accuracy: 1e-6)
        XCTAssertEqual(t.heat[0..<(2 * g * g)].reduce(0, +), 0, "other classes untouched")
    }

    func testEncodeThenDecodeGivesTheBoxesBack() throws {
        let objects: [(Int, Box)] = [(0, Box(minX: 4, minY: 6, maxX: 20, maxY: 21)), (3, Box(minX: 30, minY: 40, maxX: 62, maxY: 52)),
                                     (4, Box(minX: 40, minY: 5, maxX: 52, maxY: 13))]
        let t = encode(objects)
        let heat = try Tensor(t.heat, shape: [1, 5, 16, 16]), boxes = try Tensor(t.boxes, shape: [1, 4, 16, 16])
        let lb = Letterbox(sourceWidth: 64, sourceHeight: 64, targetWidth: 64, targetHeight: 64)
        let decoded = try DetectionDecoder(scoreThreshold: 0.99).decode(heatmap: heat, boxes: boxes, letterbox: lb)
        XCTAssertEqual(decoded.count, 3)
        for d in decoded {
            let truth = try XCTUnwrap(objects.first { $0.0 == d.classIndex }).1
            XCTAssertEqual(d.box.x, truth.x, accuracy: 1e-4)
            XCTAssertEqual(d.box.y, truth.y, accuracy: 1e-4)
            XCTAssertEqual(d.box.maxX, truth.maxX, accuracy: 1e-4)
            XCTAssertEqual(d.box.maxY, truth.maxY, accuracy: 1e-4)
        }
    }

    func testSmallerBoxKeepsASharedCell() {
        let big = Box(minX: 0, minY: 0, maxX: 42, maxY: 42), small = Box(minX: 17, minY: 17, maxX: 25, maxY: 25)
        // Given big last, the small one still keeps the cell.
        let t = encode([(0, small), (1, big)])
        let cell = 5 * 16 + 5
        XCTAssertEqual(t.boxes[cell], Float(22 - 17))
        XCTAssertEqual(t.mask.reduce(0, +), 1)
    }
}
