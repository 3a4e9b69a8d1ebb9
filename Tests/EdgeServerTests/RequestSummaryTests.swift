import EdgeDaemonApp
import EdgeRuntime
import EdgeServer
import EdgeStore
import Foundation
import Logging
import Synchronization
import XCTest

/// A wall clock the test moves by hand.
final class FakeWallClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
    var function: @Sendable () -> Date { { [self] in now } }
}

/// Request summaries for the event log: the histogram, the aggregator (keys, windows, bounds)
/// and the sink writing them (one row per key per interval, errors individually, flush on shutdown).
final class RequestSummaryTests: XCTestCase {
    func testHistogramQuantilesAreWithinHalfABucket() {
        var h = LatencyHistogram()
        XCTAssertEqual(h.quantile(0.5), 0, "empty")
        for ms in 1...1000 { h.record(Double(ms)) }
        XCTAssertEqual(h.count, 1000)
        XCTAssertEqual(h.quantile(0.5), 500, accuracy: 500 * 0.045)
        XCTAssertEqual(h.quantile(0.99), 990, accuracy: 990 * 0.045)
        XCTAssertEqual(h.maxMs, 1000, "max is exact")
        XCTAssertEqual(h.meanMs, 500.5, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(h.quantile(1), 1000, "clamped to the observed max")

        var odd = LatencyHistogram()
        for v in [-3.0, .nan, .infinity, 1e9, 0.0000001] { odd.record(v) }
        XCTAssertEqual(odd.count, 5, "bad samples count as 0, huge ones land in the last bucket")
        XCTAssertEqual(odd.maxMs, 1e9)
        XCTAssertEqual(odd.quantile(0.5), 0)
    }

    func testAggregatorSummarisesPerKeyAndWindow() {
        let t0 = Date(timeIntervalSince1970: 1_000)
        var agg = RequestSummaryAggregator(interval: 10, start: t0)
        let speech = ServedModel(model: "speech-commands", variant: "int8")
        for i in 0..<100 { agg.record(method: "POST", route: "/v1/speech/recognize", status: 200, durationMs: Double(i % 10) + 1, served: speech) }
        agg.record(method: "POST", route: "/v1/speech/recognize", status: 400, durationMs: 0.5, served: nil)
        agg.record(method: "POST", route: "/v1/speech/recognize", status: 413, durationMs: 0.7, served: nil)
        agg.record(method: "POST", route: "/v1/speech/recognize", status: 500, durationMs: 9, served: speech)
        agg.record(method: "GET", route: "/v1/status", status: 200, durationMs: 0.2, served: nil)
        XCTAssertEqual(agg.pendingRequests, 104)
        XCTAssertFalse(agg.isDue(at: t0 + 9.9))
        XCTAssertEqual(agg.remaining(at: t0 + 4), 6, accuracy: 1e-9)
        XCTAssertTrue(agg.isDue(at: t0 + 10))

        let out = agg.drain(at: t0 + 10)
        XCTAssertEqual(out.map(\.route), ["/v1/speech/recognize", "/v1/speech/recognize", "/v1/speech/recognize", "/v1/status"])
        let ok = out.first { $0.statusClass == "2xx" && $0.route.hasPrefix("/v1/speech") }!
        XCTAssertEqual(ok.count, 100)
        XCTAssertEqual(ok.errors, 0)
        XCTAssertEqual(ok.model, "speech-commands")
        XCTAssertEqual(ok.variant, "int8")
        XCTAssertEqual(ok.statuses, ["200": 100])
        XCTAssertEqual(ok.latencyMs.max, 10)
        XCTAssertEqual(ok.latencyMs.p50, 5, accuracy: 5 * 0.045)
        XCTAssertEqual(ok.windowStart, t0)
        XCTAssertEqual(ok.windowEnd, t0 + 10)
        let client = out.first { $0.statusClass == "4xx" }!
        XCTAssertEqual(client.count, 2)
        XCTAssertEqual(client.statuses, ["400": 1, "413": 1])
        XCTAssertNil(client.model)
        XCTAssertEqual(out.first { $0.statusClass == "5xx" }?.errors, 1)

        XCTAssertEqual(agg.pendingRequests, 0)
        XCTAssertEqual(agg.windowStart, t0 + 10, "the next window starts where this one ended")
        XCTAssertTrue(agg.drain(at: t0 + 20).isEmpty, "an idle window writes nothing")
    }

    func testAggregatorMemoryIsBoundedByMaxKeys() {
        var agg = RequestSummaryAggregator(interval: 10, maxKeys: 4, start: Date())
        // Out-of-range statuses from a buggy handler are clamped into a real class.
        for i in 0..<50 { agg.record(method: "GET", route: "/r\(i)", status: i == 0 ? 999 : 200, durationMs: 1, served: nil) }
        let out = agg.drain(at: Date())
        XCTAssertLessThanOrEqual(out.count, 4)
        XCTAssertEqual(out.reduce(0) { $0 + $1.count }, 50, "no request is lost, the overflow is folded")
        XCTAssertTrue(out.contains { $0.route == "(other)" })
        XCTAssertTrue(out.contains { $0.statusClass == "5xx" })
    }

    func testSinkWritesOneRowPerKeyPerIntervalAndKeepsErrorsIndividually() async throws {
        let tmp = try TempDir()
        let store = try StateStore(directory: tmp.path("var"))
        let clock = FakeWallClock()
        let sink = StoreEventSink(store: store, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() },
                                  summaryInterval: 10, maxErrorEventsPerInterval: 3, now: clock.function)
        let served = ServedModel(model: "landmarks", variant: "teacher")
        for i in 0..<1000 {
            sink.record(.request(method: "POST", route: "/v1/vision/detect", status: 200, durationMs: Double(i % 7), uid: 1, served: served))
        }
        for _ in 0..<5 { sink.record(.request(method: "POST", route: "/v1/vision/detect", status: 500, durationMs: 1, uid: 1, served: served)) }
        for _ in 0..<5 { sink.record(.request(method: "POST", route: "/v1/vision/detect", status: 503, durationMs: 1, uid: 1, served: nil)) }
        sink.record(.request(method: "GET", route: "/v1/health", status: 200, durationMs: 0.01, uid: 1, served: nil))
        sink.record(.request(method: "GET", route: "/metrics", status: 200, durationMs: 0.01, uid: 1, served: nil))
        XCTAssertEqual(sink.pendingRequests, 1010, "probes are not counted")

        clock.advance(9)
        XCTAssertEqual(sink.flushSummaries(), 0, "the interval is not over")
        clock.advance(1)
        let written: Result<Int, EdgeError> = await withCheckedContinuation { c in sink.flushSummaries { c.resume(returning: $0) } }
        XCTAssertEqual(try written.get(), 3, "2xx and 5xx of the variant, and the 503s (no variant) as their own key")
        let summaries = try await store.events(kind: .requestSummary)
        XCTAssertEqual(summaries.count, 3, "\(summaries.map(\.payload))")
        let ok = try XCTUnwrap(summaries.first { $0.payload.contains("\"status_class\":\"2xx\"") })
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ok.payload.utf8)) as? [String: Any])
        XCTAssertEqual(object["count"] as? Int, 1000)
        XCTAssertEqual(object["variant"] as? String, "teacher")
        XCTAssertEqual((object["latency_ms"] as? [String: Double])?["max"], 6)
        XCTAssertNotNil(object["window_start"] as? String)
        XCTAssertFalse(summaries.contains { $0.payload.contains("/v1/health") || $0.payload.contains("/metrics") })
        let errors = try await store.events(kind: .error)
        XCTAssertEqual(errors.count, 3, "500s are stored individually up to the cap; 503s only in the summary")
        XCTAssertTrue(errors.allSatisfy { $0.payload.contains("\"status\":500") })

        // The next interval has its own error budget; an empty interval writes nothing.
        clock.advance(10)
        XCTAssertEqual(sink.flushSummaries(), 0)
        sink.record(.request(method: "POST", route: "/v1/vision/detect", status: 500, durationMs: 1, uid: 1, served: served))
        _ = await withCheckedContinuation { c in sink.flushSummaries(force: true) { c.resume(returning: $0) } }
        let total = try await store.eventCount()
        XCTAssertEqual(total, 3 + 3 + 2, "one more error event and one more summary")
        try store.close()
    }
}
