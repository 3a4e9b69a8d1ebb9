@testable import EdgeServer
import NIOCore
import NIOEmbedded
import XCTest

/// Mutation fuzzing of request bytes through the real pipeline: whatever arrives, the
/// connection answers with well-formed HTTP responses (or closes) and never crashes; a fresh
/// connection still gets 200 on health afterwards.
final class RequestFuzzTests: XCTestCase {
    static let seeds = [
        "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n",
        "PUT /v1/models/speech/level HTTP/1.1\r\nContent-Length: 16\r\n\r\n{\"level\":\"auto\"}",
        "PUT /v1/models/speech/level HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"level\":\"int8\"}\r\n0\r\n\r\n",
        "GET /v1/status?x=%41&y HTTP/1.1\r\nConnection: keep-alive\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n",
    ]

    func testMutatedRequestsNeverBreakTheServer() throws {
        var limits = DaemonConfig.Limits()
        limits.maxBodyBytes = 4096
        limits.maxHeaderBytes = 2048
        let h = try PipelineHarness(limits: limits)
        var rng = SplitMix(seed: 0xED6E)
        let iterations = 3000
        var statuses: [Int: Int] = [:]
        for _ in 0..<iterations {
            var bytes = Array(Self.seeds[Int(rng.next() % UInt64(Self.seeds.count))].utf8)
            for _ in 0..<(1 + Int(rng.next() % 6)) { mutate(&bytes, &rng) }
            let ch = try h.channel(peer: rng.next() % 2 == 0 ? PipelineHarness.owner : PipelineHarness.stranger)
            // Deliver in random fragments, as a socket would.
            var offset = 0
            while offset < bytes.count && ch.isActive {
                let n = min(bytes.count - offset, 1 + Int(rng.next() % 64))
                ch.feed(Array(bytes[offset..<offset + n]))
                offset += n
            }
            let out = ch.drainOutput()
            for (status, body) in parseResponses(out) {
                statuses[status, default: 0] += 1
                XCTAssertTrue((200..<600).contains(status), out)
                if status >= 400 { XCTAssertTrue(body.hasPrefix(#"{"error":{"code":""#), "\(status): \(body)") }
            }
            _ = try? ch.finish()
        }
        XCTAssertGreaterThan(statuses.keys.filter { $0 >= 400 }.count, 2, "mutations reach several error paths: \(statuses)")
        XCTAssertNotNil(statuses[200], "some mutations stay valid: \(statuses)")
        let ch = try h.channel()
        ch.feed("GET /v1/health HTTP/1.1\r\n\r\n")
        XCTAssertEqual(parseResponses(ch.drainOutput()).first?.0, 200)
    }

    func mutate(_ bytes: inout [UInt8], _ rng: inout SplitMix) {
        guard !bytes.isEmpty else { bytes = [UInt8(rng.next() & 0xFF)]; return }
        let i = Int(rng.next() % UInt64(bytes.count))
        switch rng.next() % 7 {
        case 0: bytes[i] = UInt8(rng.next() & 0xFF)
        case 1: bytes.remove(at: i)
        case 2: bytes.insert(UInt8(rng.next() & 0xFF), at: i)
        case 3: bytes.insert(contentsOf: Array(repeating: bytes[i], count: Int(rng.next() % 3000)), at: i)
        case 4: bytes = Array(bytes[..<i])
        case 5: bytes.insert(contentsOf: Array(Self.seeds[Int(rng.next() % UInt64(Self.seeds.count))].utf8), at: i)
        default: bytes[i] = [UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ":"), 0, UInt8(ascii: "9")][Int(rng.next() % 5)]
        }
    }
}

/// Deterministic generator so a failure reproduces.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
