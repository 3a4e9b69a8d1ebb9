import EdgeRuntime
import XCTest
@testable import EdgeAudio

final class WAVDecoderTests: XCTestCase {
    private let ramp: [Double] = [0, 0.25, -0.25, 0.5, -0.5, 0.99, -1, 0.125]

    func testDecodesEveryFormatAndChannelCount() throws {
        let formats: [(UInt16, Int, Float)] = [(1, 8, 1 / 128), (1, 16, 1 / 32768), (1, 24, 1e-6), (1, 32, 1e-6), (3, 32, 0), (3, 64, 0)]
        for (tag, bits, tol) in formats {
            for channels in [1, 2, 8] {
                for extensible in [false, true] {
                    var b = WAVBuilder(tag: tag, channels: channels, rate: 44_100, bits: bits, extensible: extensible)
                    b.samples = (0..<(channels * 4)).map { ramp[$0 % ramp.count] }
                    let clip = try WAVDecoder.decode(b.bytes())
                    XCTAssertEqual(clip.sampleRate, 44_100)
                    XCTAssertEqual(clip.channels, channels)
                    XCTAssertEqual(clip.frameCount, 4)
                    for (got, want) in zip(clip.samples, b.samples) {
                        XCTAssertEqual(got, Float(want), accuracy: tol + 1e-7, "tag \(tag) bits \(bits) ext \(extensible)")
                    }
                }
            }
        }
    }

    func testSkipsUnknownAndOddSizedChunks() throws {
        var b = WAVBuilder()
        b.samples = [0.5, -0.5]
        let bytes = b.bytes(extraChunks: [("LIST", [1, 2, 3]), ("fact", [0, 0, 0, 0])])
        let clip = try WAVDecoder.decode(bytes)
        XCTAssertEqual(clip.samples, [0.5, -0.5])
    }

    func testStreamingDataSizeAndMissingPadAreAccepted() throws {
        var b = WAVBuilder()
        b.samples = [0.25, 0.5, 0.75]
        var bytes = b.bytes()
        // data size 0xFFFFFFFF: read to the end of the file (arecord to a pipe writes this).
        bytes.replaceSubrange((bytes.count - 10)..<(bytes.count - 6), with: [0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(try WAVDecoder.decode(bytes).samples, [0.25, 0.5, 0.75])
        // A trailing partial frame is dropped.
        var odd = b.bytes()
        odd.append(0x7F)
        XCTAssertEqual(try WAVDecoder.decode(odd).frameCount, 3)
    }

    func testRejectsMalformedFilesWithClearMessages() {
        var good = WAVBuilder()
        good.samples = [0.1, 0.2]
        let bytes = good.bytes()
        var cases: [(String, [UInt8])] = [
            ("too short", Array(bytes.prefix(8))),
            ("no RIFF header", Array("RIFX".utf8).prefix(0) + Array("JUNK".utf8) + bytes.dropFirst(4)),
            ("not WAVE", Array(bytes.prefix(8)) + Array("AVI ".utf8) + bytes.dropFirst(12)),
            ("data chunk is truncated", Array(bytes.dropLast(2))),
            ("no fmt chunk", Array(bytes.prefix(12)) + WAVBuilder.chunk("data", [0, 0])),
            ("no data chunk", Array(bytes.prefix(12)) + WAVBuilder.chunk("fmt ", good.fmtPayload())),
            ("claims", Array(bytes.prefix(12)) + Array("LIST".utf8) + [0xFF, 0xFF, 0xFF, 0x7F, 1, 2]),
            ("two fmt chunks", Array(bytes.prefix(12)) + WAVBuilder.chunk("fmt ", good.fmtPayload()) + Array(bytes.dropFirst(12))),
            ("no complete sample frame", Array(bytes.prefix(12)) + WAVBuilder.chunk("fmt ", good.fmtPayload()) + WAVBuilder.chunk("data", [1])),
        ]
        var b = good; b.bits = 12; cases.append(("unsupported sample format", b.bytes()))
        b = good; b.tag = 2; cases.append(("format tag 0x2", b.bytes()))
        b = good; b.tag = 3; b.bits = 16; cases.append(("unsupported sample format", b.bytes()))
        b = good; b.channels = 9; b.samples = Array(repeating: 0, count: 9); cases.append(("9 channels", b.bytes()))
        b = good; b.channels = 0; cases.append(("0 channels", b.bytes()))
        b = good; b.rate = 4000; cases.append(("sample rate 4000", b.bytes()))
        b = good; b.rate = 1_000_000; cases.append(("sample rate 1000000", b.bytes()))
        var badAlign = good.fmtPayload(); badAlign[12] = 3
        cases.append(("block align 3", Array(bytes.prefix(12)) + WAVBuilder.chunk("fmt ", badAlign) + WAVBuilder.chunk("data", [0, 0])))
        var badGUID = WAVBuilder(extensible: true); badGUID.samples = [0]
        var payload = badGUID.fmtPayload(); payload[39] = 0
        cases.append(("sub-format", Array(bytes.prefix(12)) + WAVBuilder.chunk("fmt ", payload) + WAVBuilder.chunk("data", [0, 0])))
        cases.append(("fmt chunk is 8 bytes", Array(bytes.prefix(12)) + WAVBuilder.chunk("fmt ", Array(payload.prefix(8))) + WAVBuilder.chunk("data", [0, 0])))
        for (needle, data) in cases {
            XCTAssertThrowsError(try WAVDecoder.decode(data), needle) { error in
                let e = error as? EdgeError
                XCTAssertEqual(e?.code, .invalidAudio, needle)
                XCTAssertTrue(e?.message.contains(needle) ?? false, "expected '\(needle)' in: \(e?.message ?? "\(error)")")
            }
        }
    }

    func testLengthCapIsEnforcedBeforeDecoding() {
        var b = WAVBuilder()
        b.samples = Array(repeating: 0.1, count: 1000)
        XCTAssertThrowsError(try WAVDecoder.decode(b.bytes(), limits: .init(maxFrames: 999))) { error in
            XCTAssertEqual((error as? EdgeError)?.code, .tooLarge)
        }
        XCTAssertEqual(try WAVDecoder.decode(b.bytes(), limits: .init(maxFrames: 1000)).frameCount, 1000)
    }

    func testNonFiniteFloatSamplesBecomeZero() throws {
        var b = WAVBuilder(tag: 3, bits: 32)
        b.samples = [.nan, .infinity, -.infinity, 0.5, 3]
        XCTAssertEqual(try WAVDecoder.decode(b.bytes()).samples, [0, 0, 0, 0.5, 1])
    }

    func testRawS16LE() throws {
        let clip = try RawPCM.decodeS16LE([0x00, 0x40, 0x00, 0xC0, 0xFF, 0x7F])
        XCTAssertEqual(clip.samples, [0.5, -0.5, 32767 / 32768])
        XCTAssertEqual(clip.sampleRate, 16_000)
        XCTAssertThrowsError(try RawPCM.decodeS16LE([1, 2, 3])) { XCTAssertEqual(($0 as? EdgeError)?.code, .invalidAudio) }
        XCTAssertThrowsError(try RawPCM.decodeS16LE([0, 0, 0, 0], maxFrames: 1)) { XCTAssertEqual(($0 as? EdgeError)?.code, .tooLarge) }
    }

    func testEncoderRoundTripsThroughDecoder() throws {
        let clip = try AudioClip(sampleRate: 22_050, channels: 2, samples: [0.5, -0.5, 0.25, 1.5, -2, 0])
        let pcm = try WAVDecoder.decode(WAVEncoder.encode(clip))
        XCTAssertEqual(pcm.sampleRate, 22_050)
        XCTAssertEqual(pcm.samples, [0.5, -0.5, 0.25, 32767 / 32768, -1, 0]) // clipped
        let float = try WAVDecoder.decode(WAVEncoder.encode(clip, format: .float32))
        XCTAssertEqual(float.samples, [0.5, -0.5, 0.25, 1, -1, 0])
    }

    func testDownmixAveragesChannels() throws {
        let clip = try AudioClip(sampleRate: 8_000, channels: 2, samples: [1, 0, 0.5, 0.5, -1, 1])
        XCTAssertEqual(clip.downmixed().samples, [0.5, 0.5, 0])
        XCTAssertEqual(clip.downmixed().channels, 1)
    }
}
