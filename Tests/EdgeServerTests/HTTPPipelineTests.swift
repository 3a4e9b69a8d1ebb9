@testable import EdgeServer
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import XCTest

final class HTTPPipelineTests: XCTestCase {
    func testHealthKeepAliveAndPipelining() throws {
        let h = try PipelineHarness()
        let ch = try h.channel()
        ch.feed("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
        let responses = parseResponses(ch.drainOutput())
        XCTAssertEqual(responses.map(\.0), [200, 200])
        XCTAssertEqual(responses[0].1, #"{"status":"ok"}"#)
        XCTAssertTrue(responses[1].1.contains(#""active_variant":"teacher""#))
        XCTAssertTrue(ch.isActive, "keep-alive connection stays open")
        ch.feed("HEAD /v1/health HTTP/1.1\r\n\r\n")
        let head = ch.drainOutput()
        XCTAssertTrue(head.hasPrefix("HTTP/1.1 200") && head.hasSuffix("\r\n\r\n"), head)
        ch.feed("GET /v1/health HTTP/1.0\r\n\r\n")
        XCTAssertTrue(ch.drainOutput().contains("Connection: close"))
        XCTAssertFalse(ch.isActive, "HTTP/1.0 without keep-alive closes")
    }

    func testUnknownRoutesMethodsAndModels() throws {
        let h = try PipelineHarness()
        let ch = try h.channel()
        ch.feed("GET /v2/nothing HTTP/1.1\r\n\r\nDELETE /v1/health HTTP/1.1\r\n\r\nPUT /v1/models/nope/level HTTP/1.1\r\nContent-Length: 16\r\n\r\n{\"level\":\"auto\"}")
        let r = parseResponses(ch.drainOutput())
        XCTAssertEqual(r.map(\.0), [404, 405, 404])
        XCTAssertTrue(r[0].1.hasPrefix(#"{"error":{"code":"not_found""#), r[0].1)
        XCTAssertTrue(r[1].1.contains("method_not_allowed"))
        XCTAssertTrue(r[2].1.contains("unknown model 'nope'"))
        XCTAssertTrue(ch.isActive)
        ch.feed("GET relative HTTP/1.1\r\n\r\n")
        XCTAssertEqual(parseResponses(ch.drainOutput()).first?.0, 400)
    }

    func testLevelRouteJSONAndAccess() throws {
        let h = try PipelineHarness()
        let ch = try h.channel()
        for (body, status, code) in [("{nope", 400, "invalid_json"), ("", 400, "invalid_json"), (#"{"lvl":"x"}"#, 400, "invalid_json"),
                                     (#"{"level":7}"#, 400, "invalid_json"), (#"{"level":"int4"}"#, 400, "unknown_variant"),
                                     (#"{"level":"int8"}"#, 200, "int8")] {
            ch.feed("PUT /v1/models/speech/level HTTP/1.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let r = parseResponses(ch.drainOutput())
            XCTAssertEqual(r.first?.0, status, body)
            XCTAssertTrue(r.first?.1.contains(code) == true, "\(body): \(r)")
        }
        XCTAssertEqual(h.registry.lease("speech")?.name, "int8")

        let other = try h.channel(peer: PipelineHarness.stranger)
        other.feed("PUT /v1/models/speech/level HTTP/1.1\r\nContent-Length: 16\r\n\r\n{\"level\":\"auto\"}GET /v1/models HTTP/1.1\r\n\r\n")
        let r = parseResponses(other.drainOutput())
        XCTAssertEqual(r.map(\.0), [403, 200])
        XCTAssertTrue(r[0].1.contains("forbidden"))
        XCTAssertEqual(h.registry.lease("speech")?.name, "int8", "a forbidden request changes nothing")
        XCTAssertTrue(r[1].1.contains(#""latency_ms_p50":0.1"#), r[1].1)
    }

    func testMalformedRequestsGetJSONErrorsAndClose() throws {
        let h = try PipelineHarness()
        for garbage in ["GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /v1/health HTTP/1.1\r\nBad Header\r\n\r\n",
                        "\u{0}\u{1}\u{2}\r\n\r\n", "GET /v1/health HTTP/1.1\r\nContent-Length: -5\r\n\r\n"] {
            let ch = try h.channel()
            ch.feed(garbage)
            let r = parseResponses(ch.drainOutput())
            XCTAssertEqual(r.first?.0, 400, garbage)
            XCTAssertTrue(r.first?.1.contains("malformed_request") == true, "\(garbage): \(r)")
            XCTAssertFalse(ch.isActive, garbage)
        }
    }

    func testHeaderAndBodyLimits() throws {
        var limits = DaemonConfig.Limits()
        limits.maxHeaderBytes = 1024
        limits.maxBodyBytes = 100
        let h = try PipelineHarness(limits: limits)

        let big = try h.channel()
        big.feed("GET /v1/health HTTP/1.1\r\nX-Big: \(String(repeating: "a", count: 2000))\r\n\r\n")
        XCTAssertEqual(parseResponses(big.drainOutput()).first?.0, 431)
        XCTAssertFalse(big.isActive)

        // An endless request line is cut by the raw guard before the decoder buffers it all.
        let line = try h.channel()
        for _ in 0..<100 where line.isActive { line.feed("GET /" + String(repeating: "a", count: 4096)) }
        XCTAssertEqual(parseResponses(line.drainOutput()).first?.0, 431)
        XCTAssertFalse(line.isActive)

        let declared = try h.channel()
        declared.feed("PUT /v1/models/speech/level HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n")
        let r = parseResponses(declared.drainOutput())
        XCTAssertEqual(r.first?.0, 413)
        XCTAssertTrue(r.first?.1.contains("payload_too_large") == true)
        XCTAssertFalse(declared.isActive)

        let chunked = try h.channel()
        chunked.feed("PUT /v1/models/speech/level HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<5 { chunked.feed("32\r\n" + String(repeating: "x", count: 50) + "\r\n") }
        XCTAssertEqual(parseResponses(chunked.drainOutput()).first?.0, 413)
        XCTAssertFalse(chunked.isActive)
    }

    func testSlowLorisGets408AndIdleConnectionsClose() throws {
        var limits = DaemonConfig.Limits()
        limits.requestTimeoutMs = 1000
        limits.idleTimeoutMs = 5000
        let h = try PipelineHarness(limits: limits)
        let slow = try h.channel()
        slow.feed("GET /v1/hea")
        slow.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        slow.feed("lth HTTP/1.1\r\n")
        XCTAssertTrue(slow.isActive)
        slow.embeddedEventLoop.advanceTime(by: .milliseconds(600))
        let r = parseResponses(slow.drainOutput())
        XCTAssertEqual(r.first?.0, 408)
        XCTAssertTrue(r.first?.1.contains("request_timeout") == true)
        XCTAssertFalse(slow.isActive)

        // The clock starts at a request's first byte, not at the previous response: a
        // keep-alive connection waiting between requests is never timed out by it. (Idle
        // close uses IdleStateHandler, which reads the wall clock: ServerIntegrationTests.)
        let idle = try h.channel()
        idle.feed("GET /v1/health HTTP/1.1\r\n\r\n")
        XCTAssertEqual(parseResponses(idle.drainOutput()).first?.0, 200)
        idle.embeddedEventLoop.advanceTime(by: .milliseconds(4000))
        XCTAssertTrue(idle.isActive)
        XCTAssertEqual(idle.drainOutput(), "")
    }

    func testTruncatedBodyThenHangUp() throws {
        let h = try PipelineHarness()
        let ch = try h.channel()
        ch.feed("PUT /v1/models/speech/level HTTP/1.1\r\nContent-Length: 50\r\n\r\n{\"level\":")
        XCTAssertEqual(ch.drainOutput(), "")
        XCTAssertNoThrow(try ch.close().wait())
        XCTAssertEqual(h.registry.lease("speech")?.name, "teacher")
    }

    func testFullQueueAnswers503WithRetryAfter() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let route = Route(.POST, "/v1/test/work", group: .inference, .offloaded { _ in Response(body: []) })
        let h = try PipelineHarness(queueCapacity: 1, extraRoutes: [route])
        let gate = DispatchSemaphore(value: 0)
        let blocked = h.queue.submit(on: group.next()) { gate.wait() }
        let ch = try h.channel()
        ch.feed("POST /v1/test/work HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        let raw = ch.drainOutput()
        XCTAssertEqual(parseResponses(raw).first?.0, 503)
        XCTAssertTrue(raw.contains("Retry-After: 1"), raw)
        XCTAssertTrue(raw.contains("overloaded"))
        gate.signal()
        try blocked.wait()
        XCTAssertEqual(h.queue.depth, 0)
    }
}
