import EdgeRuntime
import EdgeVision

/// libFuzzer entry point for the image bodies `POST /v1/vision/detect` accepts. Every input
/// must decode or throw `EdgeError` — a crash, hang or sanitizer report is a bug.
///   first byte even: JPEG or PNG bytes (`ImageDecoder.decode`), then letterboxed to 64×64
///   first byte odd:  a raw frame: format = byte 1 % 4, width = byte 2, height = byte 3
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    // Small limits keep each run fast; the limit checks themselves are part of what is fuzzed.
    let limits = ImageLimits(maxWidth: 2048, maxHeight: 2048, maxPixels: 1 << 20, maxDecoderMemory: 64 << 20, maxJPEGScans: 100)
    let image: RGBImage?
    if data[0] % 2 == 0 {
        image = try? ImageDecoder.decode(Array(UnsafeBufferPointer(start: data + 1, count: size - 1)), limits: limits)
    } else {
        guard size >= 4 else { return 0 }
        let format = RawFrameFormat.allCases[Int(data[1]) % 4]
        image = try? RawFrame.decode(Array(UnsafeBufferPointer(start: data + 4, count: size - 4)), format: format,
                                     width: Int(data[2]), height: Int(data[3]), limits: limits)
    }
    if let image {
        let letterbox = Letterbox(sourceWidth: image.width, sourceHeight: image.height, targetWidth: 64, targetHeight: 64)
        _ = try? letterbox.tensor(from: image)
    }
    return 0
}
