import EdgeRuntime
import Foundation
@testable import EdgeAudio

/// Builds WAV bytes in any format the decoder accepts (and broken ones), independently of
/// `WAVEncoder`, so decoder tests do not test the encoder against itself.
struct WAVBuilder {
    var tag: UInt16 = 1
    var channels = 1
    var rate = 16_000
    var bits = 16
    var extensible = false
    var samples: [Double] = []   // interleaved, [-1, 1]

    func sampleBytes() -> [UInt8] {
        var out = [UInt8]()
        for s in samples {
            switch (tag, bits) {
            case (1, 8): out.append(UInt8(max(0, min(255, (s * 128 + 128).rounded()))))
            case (1, 16): le(&out, UInt64(bitPattern: Int64(max(-32768, min(32767, (s * 32768).rounded())))), 2)
            case (1, 24): le(&out, UInt64(bitPattern: Int64(max(-8_388_608, min(8_388_607, (s * 8_388_608).rounded())))), 3)
            case (1, 32): le(&out, UInt64(bitPattern: Int64(max(-2_147_483_648, min(2_147_483_647, (s * 2_147_483_648).rounded())))), 4)
            case (3, 32): le(&out, UInt64(Float(s).bitPattern), 4)
            default: le(&out, s.bitPattern, 8)
            }
        }
        return out
    }

    func fmtPayload() -> [UInt8] {
        var p = [UInt8]()
        let blockAlign = channels * bits / 8
        le(&p, UInt64(extensible ? 0xFFFE : tag), 2)
        le(&p, UInt64(channels), 2)
        le(&p, UInt64(rate), 4)
        le(&p, UInt64(rate * blockAlign), 4)
        le(&p, UInt64(blockAlign), 2)
        le(&p, UInt64(bits), 2)
        if extensible {
            le(&p, 22, 2)            // cbSize
            le(&p, UInt64(bits), 2)  // valid bits
            le(&p, 0, 4)             // channel mask
            le(&p, UInt64(tag), 2)
            p += [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        }
        return p
    }

    /// A complete file; `extraChunks` go between fmt and data.
    func bytes(extraChunks: [(String, [UInt8])] = []) -> [UInt8] {
        var body = Array("WAVE".utf8)
        body += Self.chunk("fmt ", fmtPayload())
        for (id, payload) in extraChunks { body += Self.chunk(id, payload) }
        body += Self.chunk("data", sampleBytes())
        var out = Array("RIFF".utf8)
        le(&out, UInt64(body.count), 4)
        return out + body
    }

    static func chunk(_ id: String, _ payload: [UInt8]) -> [UInt8] {
        var out = Array(id.utf8)
        le(&out, UInt64(payload.count), 4)
        out += payload
        if payload.count % 2 == 1 { out.append(0) }
        return out
    }
}

func le(_ out: inout [UInt8], _ v: UInt64, _ n: Int) {
    for i in 0..<n { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
}

/// A sine at `freq` Hz, `count` samples at `rate`.
func sine(_ freq: Double, rate: Int, count: Int, amplitude: Double = 0.5, phase: Double = 0) -> [Float] {
    (0..<count).map { Float(amplitude * sin(2 * Double.pi * freq * Double($0) / Double(rate) + phase)) }
}

/// Deterministic generator for test signals and mutations.
struct TestRandom: RandomNumberGenerator {
    private var generator: SplitMix64
    init(state: UInt64) { generator = SplitMix64(seed: state) }
    mutating func next() -> UInt64 { generator.next() }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
}
