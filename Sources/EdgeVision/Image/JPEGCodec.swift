import CEdgeImage
import EdgeRuntime

/// JPEG through Debian's libjpeg-turbo. Untrusted bytes: the header is read and checked against
/// `ImageLimits` first; a corrupt or truncated file is an `EdgeError`, never a crash or a
/// half-grey image (the C shim makes libjpeg's corrupt-data warnings fatal).
public enum JPEGCodec {
    /// True when `bytes` starts with the JPEG SOI marker and a segment marker.
    public static func matches(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    }

    /// Decodes to RGB (greyscale files are expanded; CMYK files are rejected).
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .default) throws(EdgeError) -> RGBImage {
        var info = ei_jpeg_info()
        var message = [CChar](repeating: 0, count: Int(EI_MESSAGE_SIZE))
        let status = bytes.withUnsafeBufferPointer { ei_jpeg_read_info($0.baseAddress, $0.count, &info, &message) }
        guard status == 0 else { throw corrupt(message) }
        let width = Int(info.width), height = Int(info.height)
        try limits.check(width: width, height: height, what: "JPEG image")
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let decoded = bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                ei_jpeg_decode_rgb(src.baseAddress, src.count, info.width, info.height, dst.baseAddress, dst.count,
                                   limits.maxDecoderMemory, Int32(clamping: limits.maxJPEGScans), &message)
            }
        }
        guard decoded == 0 else { throw corrupt(message) }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Encodes as baseline JPEG, `quality` 1…100 (used to make test and sample files).
    public static func encode(_ image: RGBImage, quality: Int = 90) throws(EdgeError) -> [UInt8] {
        guard (1...100).contains(quality) else { throw EdgeError(.invalidInput, "JPEG quality \(quality) is not in 1...100") }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: Int(EI_MESSAGE_SIZE))
        let status = image.pixels.withUnsafeBufferPointer {
            ei_jpeg_encode_rgb($0.baseAddress, UInt32(image.width), UInt32(image.height), Int32(quality), &out, &size, &message)
        }
        defer { ei_free(out) }
        guard status == 0, let out else { throw EdgeError(.invalidInput, "cannot encode JPEG: \(text(message))") }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    private static func corrupt(_ message: [CChar]) -> EdgeError {
        EdgeError(.invalidInput, "corrupt JPEG: \(text(message))")
    }
}

/// A NUL-terminated C message buffer as a Swift string.
func text(_ message: [CChar]) -> String {
    let bytes = message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
