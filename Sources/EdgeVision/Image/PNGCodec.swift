import CPNG
import EdgeRuntime

/// PNG through Debian's libpng 1.6 "simplified" API (`png_image_*`), which catches libpng's
/// longjmp errors internally and reports them in `image.message`, so no C shim is needed.
/// The header is read and checked against `ImageLimits` before any pixel is inflated.
public enum PNGCodec {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// True when `bytes` starts with the PNG signature.
    public static func matches(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 8 && Array(bytes[0..<8]) == signature
    }

    /// Decodes any PNG colour type/bit depth to 8-bit sRGB RGB; transparency is composited onto
    /// black (what the detector sees for "nothing"), in linear light as libpng does.
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .default) throws(EdgeError) -> RGBImage {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        let begun = bytes.withUnsafeBufferPointer { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw EdgeError(.invalidInput, "corrupt PNG: \(message(of: image))") }
        let width = Int(image.width), height = Int(image.height)
        do {
            try limits.check(width: width, height: height, what: "PNG image")
        } catch {
            png_image_free(&image)
            throw error
        }
        image.format = png_uint_32(PNG_FORMAT_RGB)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var black = png_color(red: 0, green: 0, blue: 0)
        // finish_read frees the decoder state whether it succeeds or not.
        let finished = pixels.withUnsafeMutableBytes {
            png_image_finish_read(&image, &black, $0.baseAddress, png_int_32(width * 3), nil)
        }
        guard finished != 0 else { throw EdgeError(.invalidInput, "corrupt PNG: \(message(of: image))") }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Encodes an RGB image as an 8-bit PNG; `fast` trades file size for speed (libpng's
    /// `PNG_IMAGE_FLAG_FAST`: quicker zlib settings, no filter search).
    public static func encode(_ image: RGBImage, fast: Bool = false) throws(EdgeError) -> [UInt8] {
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        if fast { png.flags = png_uint_32(PNG_IMAGE_FLAG_FAST) }
        png.width = png_uint_32(image.width)
        png.height = png_uint_32(image.height)
        png.format = png_uint_32(PNG_FORMAT_RGB)
        // First call sizes the output, second writes it (libpng's documented two-pass use).
        var size = 0
        let sized = image.pixels.withUnsafeBytes {
            png_image_write_to_memory(&png, nil, &size, 0, $0.baseAddress, png_int_32(image.width * 3), nil)
        }
        guard sized != 0 else { throw EdgeError(.invalidInput, "cannot encode PNG: \(message(of: png))") }
        var out = [UInt8](repeating: 0, count: size)
        let written = out.withUnsafeMutableBytes { dst in
            image.pixels.withUnsafeBytes {
                png_image_write_to_memory(&png, dst.baseAddress, &size, 0, $0.baseAddress, png_int_32(image.width * 3), nil)
            }
        }
        guard written != 0 else { throw EdgeError(.invalidInput, "cannot encode PNG: \(message(of: png))") }
        return Array(out.prefix(size))
    }

    private static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
