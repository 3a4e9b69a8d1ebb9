import CPNG
import EdgeRuntime
@testable import EdgeVision
import XCTest

final class ImageCodecTests: XCTestCase {
    func testPNGRoundTripIsExact() throws {
        let image = TestImages.ramp(width: 37, height: 23)
        let png = try PNGCodec.encode(image)
        XCTAssertTrue(PNGCodec.matches(png))
        XCTAssertEqual(try ImageDecoder.decode(png), image)
    }

    func testJPEGRoundTripIsClose() throws {
        let image = TestImages.ramp(width: 64, height: 48)
        let jpeg = try JPEGCodec.encode(image, quality: 95)
        XCTAssertTrue(JPEGCodec.matches(jpeg))
        let decoded = try ImageDecoder.decode(jpeg)
        XCTAssertEqual(decoded.width, 64)
        XCTAssertEqual(decoded.height, 48)
        let error = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)
        XCTAssertLessThan(Double(error) / Double(image.pixels.count), 4, "mean absolute error per channel")
    }

    func testSizeLimitsAreCheckedFromTheHeader() throws {
        let png = try PNGCodec.encode(TestImages.ramp(width: 8, height: 8))
        // A 20000 x 20000 claim in a 100-byte file is refused before any inflate.
        let message = assertEdgeError(.tooLarge) { try PNGCodec.decode(TestImages.forgePNGSize(png, width: 20000, height: 20000)) }
        XCTAssertTrue(message.contains("20000x20000"), message)
        let jpeg = try JPEGCodec.encode(TestImages.ramp(width: 16, height: 16))
        assertEdgeError(.tooLarge) { try JPEGCodec.decode(TestImages.forgeJPEGSize(jpeg, width: 9000, height: 16)) }
        // Within each side's limit but over the pixel budget.
        let limits = ImageLimits(maxWidth: 64, maxHeight: 64, maxPixels: 100)
        assertEdgeError(.tooLarge) { try ImageDecoder.decode(jpeg, limits: limits) }
        assertEdgeError(.tooLarge) { try ImageDecoder.decode(png, limits: ImageLimits(maxWidth: 4, maxHeight: 64, maxPixels: 1000)) }
    }

    func testZeroSizeHeadersAreErrors() throws {
        let jpeg = try JPEGCodec.encode(TestImages.ramp(width: 16, height: 16))
        assertEdgeError(.invalidInput) { try JPEGCodec.decode(TestImages.forgeJPEGSize(jpeg, width: 0, height: 16)) }
        let png = try PNGCodec.encode(TestImages.ramp(width: 8, height: 8))
        assertEdgeError(.invalidInput) { try PNGCodec.decode(TestImages.forgePNGSize(png, width: 0, height: 8)) }
    }

    func testTruncatedFilesAreErrorsNotGreyImages() throws {
        let jpeg = try JPEGCodec.encode(TestImages.ramp(width: 64, height: 64))
        for cut in [3, 20, jpeg.count / 2, jpeg.count - 2] {
            let message = assertEdgeError(.invalidInput) { try ImageDecoder.decode(Array(jpeg.prefix(cut))) }
            XCTAssertTrue(message.hasPrefix("corrupt JPEG"), message)
        }
        let png = try PNGCodec.encode(TestImages.ramp(width: 64, height: 64))
        // Cutting only into the trailing IEND chunk loses no pixel and still decodes; 13 bytes
        // from the end cuts the last IDAT's CRC.
        for cut in [8, 30, png.count / 2, png.count - 13] {
            let message = assertEdgeError(.invalidInput) { try ImageDecoder.decode(Array(png.prefix(cut))) }
            XCTAssertTrue(message.hasPrefix("corrupt PNG"), message)
        }
    }

    func testUnknownAndEmptyBodies() {
        assertEdgeError(.invalidInput) { try ImageDecoder.decode([]) }
        let message = assertEdgeError(.unsupported) { try ImageDecoder.decode(Array("GIF89a....".utf8)) }
        XCTAssertTrue(message.contains("neither JPEG nor PNG"), message)
    }

    func testEncodersRejectBadArguments() {
        assertEdgeError(.invalidInput) { try JPEGCodec.encode(RGBImage(width: 2, height: 2), quality: 0) }
        assertEdgeError(.invalidInput) { try RGBImage(width: 2, height: 2, pixels: [1, 2, 3]) }
        assertEdgeError(.invalidInput) { try RGBImage(width: 0, height: 2, pixels: []) }
    }
}

/// PNG colour types our encoder does not write (grey, alpha), made with libpng directly.
final class PNGColourTypeTests: XCTestCase {
    func write(_ pixels: [UInt8], width: Int, height: Int, format: Int32) throws -> [UInt8] {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = png_uint_32(format)
        var size = 0
        let stride = png_int_32(pixels.count / height)
        XCTAssertNotEqual(pixels.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, stride, nil) }, 0)
        var out = [UInt8](repeating: 0, count: size)
        let ok = out.withUnsafeMutableBytes { dst in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, dst.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
        }
        XCTAssertNotEqual(ok, 0)
        return Array(out.prefix(size))
    }

    func testGreyIsExpandedToRGB() throws {
        let png = try write([0, 128, 255, 7], width: 2, height: 2, format: Int32(PNG_FORMAT_GRAY))
        XCTAssertEqual(try ImageDecoder.decode(png).pixels, [0, 0, 0, 128, 128, 128, 255, 255, 255, 7, 7, 7])
    }

    func testAlphaIsCompositedOntoBlack() throws {
        // Opaque red, fully transparent green, half-transparent white.
        let png = try write([255, 0, 0, 255, 0, 255, 0, 0, 255, 255, 255, 128], width: 3, height: 1, format: Int32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA))
        let rgb = try ImageDecoder.decode(png).pixels
        XCTAssertEqual(Array(rgb[0..<6]), [255, 0, 0, 0, 0, 0])
        // libpng composites in linear light: half of white is (0.5)^(1/2.2) · 255 ≈ 186, not 128.
        for v in rgb[6..<9] { XCTAssertEqual(Double(v), 186, accuracy: 2) }
    }
}
