import EdgeRuntime
@testable import EdgeVision
import XCTest

final class RawFrameTests: XCTestCase {
    func testPackedFormats() throws {
        let rgb = try RawFrame.decode([1, 2, 3, 4, 5, 6], format: .rgb24, width: 2, height: 1)
        XCTAssertEqual(rgb.pixels, [1, 2, 3, 4, 5, 6])
        let rgba = try RawFrame.decode([1, 2, 3, 255, 4, 5, 6, 0], format: .rgba, width: 1, height: 2)
        XCTAssertEqual(rgba.pixels, [1, 2, 3, 4, 5, 6])
        let gray = try RawFrame.decode([7, 9], format: .gray8, width: 2, height: 1)
        XCTAssertEqual(gray.pixels, [7, 7, 7, 9, 9, 9])
    }

    func testNV12KnownColours() throws {
        // 2x2 frame: Y plane then one U V pair. BT.601 limited range: Y=16 black, Y=235 white,
        // (Y, U, V) = (81, 90, 240) is pure red.
        let white = try RawFrame.decode([235, 235, 235, 235, 128, 128], format: .nv12, width: 2, height: 2)
        XCTAssertEqual(white.pixels, [UInt8](repeating: 255, count: 12))
        let black = try RawFrame.decode([16, 16, 16, 16, 128, 128], format: .nv12, width: 2, height: 2)
        XCTAssertEqual(black.pixels, [UInt8](repeating: 0, count: 12))
        let red = try RawFrame.decode([81, 81, 81, 81, 90, 240], format: .nv12, width: 2, height: 2)
        let (r, g, b) = red[1, 1]
        XCTAssertGreaterThanOrEqual(r, 253)
        XCTAssertLessThanOrEqual(g, 2)
        XCTAssertLessThanOrEqual(b, 2)
    }

    func testNV12OddSizeUsesRoundedUpChroma() throws {
        // 3x3: 9 luma bytes + 2x2 chroma pairs (8 bytes).
        XCTAssertEqual(RawFrameFormat.nv12.byteCount(width: 3, height: 3), 17)
        let frame = try RawFrame.decode([UInt8](repeating: 128, count: 9) + [UInt8](repeating: 128, count: 8), format: .nv12, width: 3, height: 3)
        XCTAssertEqual(frame.width, 3)
        assertEdgeError(.invalidInput) { try RawFrame.decode([UInt8](repeating: 0, count: 15), format: .nv12, width: 3, height: 3) }
    }

    func testLengthAndSizeValidation() {
        let message = assertEdgeError(.invalidInput) { try RawFrame.decode([1, 2, 3], format: .rgb24, width: 2, height: 1) }
        XCTAssertTrue(message.contains("needs 6 bytes, body has 3"), message)
        assertEdgeError(.invalidInput) { try RawFrame.decode([1, 2, 3, 4], format: .rgba, width: 1, height: 2) }
        assertEdgeError(.invalidInput) { try RawFrame.decode([], format: .gray8, width: 0, height: 4) }
        assertEdgeError(.invalidInput) { try RawFrame.decode([1], format: .gray8, width: -1, height: -1) }
        assertEdgeError(.tooLarge) { try RawFrame.decode([1], format: .gray8, width: 100_000, height: 2) }
        assertEdgeError(.tooLarge) { try RawFrame.decode([1], format: .rgb24, width: Int.max, height: Int.max) }
        assertEdgeError(.invalidInput) { try RawFrame.format(named: "yuyv") }
        XCTAssertNil(RawFrameFormat.rgba.byteCount(width: Int.max / 2, height: 3))
    }
}
