import EdgeRuntime
@testable import EdgeVision
import XCTest

/// Seeded mutation fuzzing of the JPEG and PNG decoders: every mutant must decode to a
/// well-formed image or fail with an `EdgeError` — never crash, hang or print.
final class DecoderFuzzTests: XCTestCase {
    /// Seeded corruptions of a valid file (SplitMix64 stream: the same mutants on every run).
    struct Mutator {
        var generator: SplitMix64
        init(state: UInt64) { generator = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { generator.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }

        /// One to four corruptions: bit flips, random bytes, interesting values, truncation,
        /// duplicated or deleted ranges.
        mutating func mutate(_ input: [UInt8]) -> [UInt8] {
            var bytes = input
            for _ in 0...below(4) {
                guard !bytes.isEmpty else { break }
                let at = below(bytes.count)
                switch below(6) {
                case 0: bytes[at] ^= UInt8(1) << UInt8(below(8))
                case 1: bytes[at] = UInt8(truncatingIfNeeded: next())
                case 2: bytes[at] = [0x00, 0xFF, 0x7F, 0x80, 0xD8, 0xD9][below(6)]
                case 3: bytes = Array(bytes.prefix(at))
                case 4:
                    let length = min(below(64) + 1, bytes.count - at)
                    bytes.insert(contentsOf: bytes[at..<at + length], at: below(bytes.count))
                default:
                    let length = min(below(32) + 1, bytes.count - at)
                    bytes.removeSubrange(at..<at + length)
                }
            }
            return bytes
        }
    }

    func fuzz(_ seedFile: [UInt8], seed: UInt64, iterations: Int) -> (decoded: Int, rejected: Int) {
        var mutator = Mutator(state: seed)
        var decoded = 0, rejected = 0
        let limits = ImageLimits(maxWidth: 1024, maxHeight: 1024, maxPixels: 1 << 18)
        for _ in 0..<iterations {
            let mutant = mutator.mutate(seedFile)
            do {
                let image = try ImageDecoder.decode(mutant, limits: limits)
                XCTAssertEqual(image.pixels.count, image.width * image.height * 3)
                XCTAssertLessThanOrEqual(image.width * image.height, limits.maxPixels)
                decoded += 1
            } catch {
                XCTAssertFalse(error.message.isEmpty)
                rejected += 1
            }
        }
        return (decoded, rejected)
    }

    func testJPEGMutants() throws {
        let jpeg = try JPEGCodec.encode(TestImages.ramp(width: 40, height: 24), quality: 80)
        let outcome = fuzz(jpeg, seed: 0x4A50_4547, iterations: 600)
        // Both branches are exercised: some corruptions (e.g. in entropy-coded data that still
        // parses) decode, most are refused.
        XCTAssertGreaterThan(outcome.rejected, 100)
        XCTAssertGreaterThan(outcome.decoded, 0)
    }

    func testPNGMutants() throws {
        let png = try PNGCodec.encode(TestImages.ramp(width: 40, height: 24))
        let outcome = fuzz(png, seed: 0x504E_47, iterations: 600)
        XCTAssertGreaterThan(outcome.rejected, 100)
        XCTAssertGreaterThan(outcome.decoded, 0)
    }

    func testRandomBytesAfterValidMagic() {
        var mutator = Mutator(state: 7)
        for magic in [[0xFF, 0xD8, 0xFF] as [UInt8], PNGCodec.signature] {
            for _ in 0..<200 {
                let tail = (0..<mutator.below(300)).map { _ in UInt8(truncatingIfNeeded: mutator.next()) }
                XCTAssertThrowsError(try ImageDecoder.decode(magic + tail))
            }
        }
    }
}
