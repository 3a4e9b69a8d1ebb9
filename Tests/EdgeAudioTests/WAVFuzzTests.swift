import EdgeRuntime
import XCTest
@testable import EdgeAudio

/// Seeded mutations of valid WAV files: every result is a clip or an `EdgeError`, never a
/// crash; the run is deterministic, so a failure reproduces from its iteration number.
final class WAVFuzzTests: XCTestCase {
    func testMutatedFilesNeverCrash() {
        var rng = TestRandom(state: 0x5EED)
        var seeds = [[UInt8]]()
        for (tag, bits, ext) in [(UInt16(1), 16, false), (1, 24, true), (3, 32, false), (1, 8, false), (3, 64, true)] {
            var b = WAVBuilder(tag: tag, channels: 2, rate: 22_050, bits: bits, extensible: ext)
            b.samples = (0..<64).map { _ in Double(rng.float()) }
            seeds.append(b.bytes(extraChunks: [("LIST", [1, 2, 3, 4, 5])]))
        }
        var decoded = 0, rejected = 0
        for iteration in 0..<3000 {
            var bytes = seeds[rng.int(seeds.count)]
            for _ in 0..<(1 + rng.int(4)) {
                switch rng.int(5) {
                case 0: bytes[rng.int(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())   // flip a byte
                case 1: bytes = Array(bytes.prefix(rng.int(bytes.count + 1)))                 // truncate
                case 2:                                                                       // corrupt a size field
                    let at = [4, 16, 40, 44, 58, 70].randomElement(using: &rng) ?? 4
                    if at + 4 <= bytes.count {
                        let v = [0, 1, 0x7FFF_FFFF, 0xFFFF_FFFF, UInt32(rng.int(200))].randomElement(using: &rng)!
                        for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
                    }
                case 3: bytes += (0..<rng.int(16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }  // append junk
                default:                                                                      // delete a span
                    if !bytes.isEmpty {
                        let a = rng.int(bytes.count), n = rng.int(min(8, bytes.count - a) + 1)
                        bytes.removeSubrange(a..<(a + n))
                    }
                }
                if bytes.isEmpty { break }
            }
            do {
                let clip = try WAVDecoder.decode(bytes, limits: .init(maxFrames: 100_000))
                XCTAssertTrue(clip.samples.allSatisfy(\.isFinite), "iteration \(iteration)")
                decoded += 1
            } catch {
                XCTAssertFalse(error.message.isEmpty, "iteration \(iteration)")
                rejected += 1
            }
        }
        // Both outcomes must occur, or the mutations are not exercising the parser.
        XCTAssertGreaterThan(decoded, 100)
        XCTAssertGreaterThan(rejected, 100)
    }
}
