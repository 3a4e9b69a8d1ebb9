import EdgeRuntime
@testable import EdgeVision
import XCTest

final class DetectionDecoderTests: XCTestCase {
    /// Head outputs for a 32x32 input (8x8 cells) with the given peaks.
    func outputs(classes: Int = 5, peaks: [(c: Int, y: Int, x: Int, score: Float, ltrb: [Float])]) throws -> (Tensor, Tensor) {
        var heat = [Float](repeating: 0.01, count: classes * 64)
        var boxes = [Float](repeating: 0, count: 4 * 64)
        for p in peaks {
            heat[p.c * 64 + p.y * 8 + p.x] = p.score
            for k in 0..<4 { boxes[k * 64 + p.y * 8 + p.x] = p.ltrb[k] }
        }
        return (try Tensor(heat, shape: [1, classes, 8, 8]), try Tensor(boxes, shape: [1, 4, 8, 8]))
    }

    let square = Letterbox(sourceWidth: 32, sourceHeight: 32, targetWidth: 32, targetHeight: 32)

    func testPeakBecomesBoxAroundCellCentre() throws {
        // Cell (y 2, x 3): centre (14, 10) in input pixels.
        let (heat, boxes) = try outputs(peaks: [(1, 2, 3, 0.9, [4, 2, 6, 8])])
        let d = try DetectionDecoder().decode(heatmap: heat, boxes: boxes, letterbox: square)
        XCTAssertEqual(d, [Detection(classIndex: 1, label: "turn_left", score: Double(Float(0.9)), box: Box(minX: 10, minY: 8, maxX: 20, maxY: 18))])
    }

    func testThresholdPeakTestAndTopK() throws {
        // A non-peak neighbour (0.8 next to 0.9) and a below-threshold peak are dropped.
        let (heat, boxes) = try outputs(peaks: [(0, 4, 4, 0.9, [2, 2, 2, 2]), (0, 4, 5, 0.8, [2, 2, 2, 2]),
                                               (2, 0, 0, 0.2, [1, 1, 1, 1]), (3, 7, 7, 0.5, [1, 1, 1, 1])])
        let all = try DetectionDecoder().decode(heatmap: heat, boxes: boxes, letterbox: square)
        XCTAssertEqual(all.map(\.classIndex), [0, 3])
        var top1 = DetectionDecoder()
        top1.topK = 1
        XCTAssertEqual(try top1.decode(heatmap: heat, boxes: boxes, letterbox: square).map(\.score), [Double(Float(0.9))])
    }

    func testPerClassNMS() throws {
        // Two peaks of class 4 with boxes x 6…22 and 10…26 (IoU 0.6); a class-3 peak in the first
        // cell has the identical box (the box planes are shared by all classes) and must survive.
        let (heat, boxes) = try outputs(peaks: [(4, 3, 3, 0.9, [8, 8, 8, 8]), (4, 3, 5, 0.7, [12, 8, 4, 8]),
                                               (3, 3, 3, 0.6, [8, 8, 8, 8])])
        let d = try DetectionDecoder().decode(heatmap: heat, boxes: boxes, letterbox: square)
        XCTAssertEqual(d.map(\.classIndex), [4, 3])
        XCTAssertEqual(d.map(\.label), ["exit_sign", "crosswalk"])
    }

    func testBoxesMapThroughLetterboxAndClip() throws {
        // Source 64x32 into 32x32: scale 0.5, 8 rows of padding on top.
        let lb = Letterbox(sourceWidth: 64, sourceHeight: 32, targetWidth: 32, targetHeight: 32)
        let (heat, boxes) = try outputs(peaks: [(0, 3, 1, 0.95, [10, 2, 2, 2])])
        let d = try DetectionDecoder().decode(heatmap: heat, boxes: boxes, letterbox: lb)
        // Input box (-4, 12)–(8, 16) → source (-8, 8)–(16, 16), clipped at x = 0.
        XCTAssertEqual(d.first?.box, Box(minX: 0, minY: 8, maxX: 16, maxY: 16))
    }

    func testBadValuesAreSkipped() throws {
        let (heat, boxes) = try outputs(peaks: [(0, 1, 1, 0.9, [.nan, 1, 1, 1]), (1, 5, 5, .nan, [1, 1, 1, 1]),
                                               (2, 6, 1, 0.9, [0, 0, 0, 0])])
        XCTAssertEqual(try DetectionDecoder().decode(heatmap: heat, boxes: boxes, letterbox: square), [])
    }

    func testShapeMismatchesAreErrors() throws {
        let (heat, boxes) = try outputs(peaks: [])
        let big = Letterbox(sourceWidth: 32, sourceHeight: 32, targetWidth: 64, targetHeight: 64)
        assertEdgeError(.invalidInput) { try DetectionDecoder().decode(heatmap: heat, boxes: boxes, letterbox: big) }
        assertEdgeError(.invalidInput) { try DetectionDecoder(labels: ["a"]).decode(heatmap: heat, boxes: boxes, letterbox: self.square) }
        assertEdgeError(.invalidInput) { try DetectionDecoder().decode(heatmap: boxes, boxes: heat, letterbox: self.square) }
        assertEdgeError(.invalidInput) { try DetectionDecoder().decode(heatmap: heat, boxes: boxes, letterbox: self.square, batchIndex: 1) }
    }

    func testNMSKeepsOtherClassesAndOrder() {
        let a = Detection(classIndex: 0, label: "a", score: 0.5, box: Box(x: 0, y: 0, width: 10, height: 10))
        let b = Detection(classIndex: 0, label: "a", score: 0.9, box: Box(x: 1, y: 0, width: 10, height: 10))
        let c = Detection(classIndex: 1, label: "b", score: 0.7, box: Box(x: 0, y: 0, width: 10, height: 10))
        let far = Detection(classIndex: 0, label: "a", score: 0.4, box: Box(x: 50, y: 50, width: 10, height: 10))
        XCTAssertEqual(NonMaximumSuppression.apply([a, b, c, far], iouThreshold: 0.5), [b, c, far])
    }
}
