import EdgeRuntime
@testable import EdgeVision
import XCTest

/// Small deterministic images and byte-level helpers for the codec tests.
enum TestImages {
    /// A smooth colour ramp with a few hard edges (compresses like a photo, not like noise).
    static func ramp(width: Int, height: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let edge: UInt8 = (x / 8 + y / 8) % 2 == 0 ? 40 : 0
                image[x, y] = (UInt8(x * 255 / max(1, width - 1)), UInt8(y * 255 / max(1, height - 1)), UInt8(128) &+ edge)
            }
        }
        return image
    }

    /// PNG chunk CRC (CRC-32/ISO-HDLC over type + data), to forge headers libpng accepts.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func putBigEndian(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * i)) }
    }

    /// Rewrites a PNG's IHDR size (and its CRC, so only the size is "wrong").
    static func forgePNGSize(_ png: [UInt8], width: UInt32, height: UInt32) -> [UInt8] {
        var bytes = png
        // signature (8) + length (4) + "IHDR" (4) → width at 16, height at 20, CRC after 13 data bytes.
        putBigEndian(width, into: &bytes, at: 16)
        putBigEndian(height, into: &bytes, at: 20)
        putBigEndian(crc32(bytes[12..<29]), into: &bytes, at: 29)
        return bytes
    }

    /// Rewrites a baseline JPEG's SOF0 frame size.
    static func forgeJPEGSize(_ jpeg: [UInt8], width: UInt16, height: UInt16) -> [UInt8] {
        var bytes = jpeg
        var i = 2
        while i + 9 < bytes.count {
            guard bytes[i] == 0xFF else { break }
            let marker = bytes[i + 1]
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if marker == 0xC0 {
                bytes[i + 5] = UInt8(height >> 8); bytes[i + 6] = UInt8(height & 0xFF)
                bytes[i + 7] = UInt8(width >> 8); bytes[i + 8] = UInt8(width & 0xFF)
                return bytes
            }
            i += 2 + length
        }
        XCTFail("no SOF0 marker")
        return bytes
    }
}

/// Asserts `body` throws an `EdgeError` with `code`, and returns its message.
@discardableResult
func assertEdgeError<T>(_ code: EdgeError.Code, file: StaticString = #filePath, line: UInt = #line,
                        _ body: () throws -> T) -> String {
    do {
        _ = try body()
        XCTFail("expected \(code) error", file: file, line: line)
        return ""
    } catch let error as EdgeError {
        XCTAssertEqual(error.code, code, error.message, file: file, line: line)
        return error.message
    } catch {
        XCTFail("expected EdgeError, got \(error)", file: file, line: line)
        return ""
    }
}
