import Foundation
import XCTest
@testable import EdgeVoice
import EdgeVoiceTestSupport

final class AudioCaptureTests: XCTestCase {
    func capture(_ script: [FakePCMSource.Step], log: FakePCMSource.Log, ringSeconds: Double = 2,
                 overflow: SampleRing.OverflowPolicy = .dropOldest, idleSleepMs: Int = 2) -> AudioCapture {
        var c = AudioCapture.Configuration(device: "fake")
        c.backoff = Backoff(initialMs: 1, capMs: 4)
        c.ringSeconds = ringSeconds
        c.overflow = overflow
        return AudioCapture(configuration: c) { FakePCMSource(script, log: log, idleSleepMs: idleSleepMs) }
    }

    /// Polls `condition` for up to 5 s (capture runs on its own thread).
    func eventually(_ what: String, _ condition: () -> Bool) {
        let deadline = Date(timeIntervalSinceNow: 5)
        while !condition() && Date() < deadline { usleep(1000) }
        XCTAssertTrue(condition(), what)
    }

    func drain(_ c: AudioCapture, samples: Int) -> [Int16] {
        var out: [Int16] = []
        let buf = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 512)
        defer { buf.deallocate() }
        let deadline = Date(timeIntervalSinceNow: 5)
        while out.count < samples && Date() < deadline {
            let r = c.ring.read(into: buf, timeout: 0.1)
            out += buf[0..<r.count]
        }
        return out
    }

    func testAbsentDeviceIsRetriedWithBackoffThenCaptures() {
        let log = FakePCMSource.Log()
        let c = capture([.openFails(-ENOENT), .openFails(-ENODEV), .openFails(-EACCES), .open, .data(count: 160, value: 7)], log: log)
        c.start()
        let got = drain(c, samples: 160)
        XCTAssertEqual(Array(got.prefix(160)), [Int16](repeating: 7, count: 160))
        let s = c.status
        XCTAssertEqual(s.state, .running)
        XCTAssertEqual(s.failures, 3)
        XCTAssertTrue(s.lastError?.contains("(-13)") == true, s.lastError ?? "")   // EACCES, the last failure
        c.stop()
        XCTAssertEqual(c.status.state, .stopped)
        XCTAssertEqual(Array(log.all.prefix(4)), ["open-fail -2", "open-fail -19", "open-fail -13", "open"])
    }

    func testPermissionDeniedForeverKeepsRetryingWithoutSpinning() {
        let log = FakePCMSource.Log()
        let c = capture((0..<1000).map { _ in .openFails(-EACCES) }, log: log)
        c.start()
        usleep(200_000)
        let s = c.status
        XCTAssertEqual(s.state, .retrying)
        XCTAssertEqual(s.retryInMs, 4, "the back-off is capped")
        // 200 ms at a 4 ms cap: ~50 attempts, not a busy loop's thousands.
        XCTAssertLessThan(s.failures, 120)
        XCTAssertGreaterThan(s.failures, 5)
        c.stop()
    }

    func testXrunAndSuspendAreRecoveredInPlace() {
        let log = FakePCMSource.Log()
        let c = capture([.open, .data(count: 100, value: 1), .readError(-EPIPE), .data(count: 100, value: 2),
                         .readError(-ESTRPIPE), .data(count: 100, value: 3)], log: log)
        c.start()
        let got = drain(c, samples: 300)
        XCTAssertEqual(Array(got.prefix(300)), [Int16](repeating: 1, count: 100) + [Int16](repeating: 2, count: 100) + [Int16](repeating: 3, count: 100))
        let s = c.status
        XCTAssertEqual(s.xruns, 1)
        XCTAssertEqual(s.suspends, 1)
        XCTAssertEqual(s.failures, 0, "no reopen was needed")
        c.stop()
        XCTAssertEqual(Array(log.all.prefix(5)), ["open", "read-error -32", "recover -32", "read-error -86", "recover -86"])
    }

    func testFailedRecoveryReopensTheDevice() {
        let log = FakePCMSource.Log()
        let c = capture([.open, .readError(-EPIPE), .recoverFails(-EIO), .open, .data(count: 50, value: 9)], log: log)
        c.start()
        XCTAssertEqual(Array(drain(c, samples: 50).prefix(50)), [Int16](repeating: 9, count: 50))
        XCTAssertEqual(c.status.failures, 1)
        c.stop()
        XCTAssertEqual(Array(log.all.prefix(5)), ["open", "read-error -32", "recover-fail -5", "close", "open"])
    }

    func testXrunStormBecomesAReopenNotABusyLoop() {
        let log = FakePCMSource.Log()
        let c = capture([.open] + (0..<10).map { _ in .readError(-EPIPE) } + [.open], log: log)
        c.start()
        eventually("reopened after the storm") { log.all.filter { $0 == "open" }.count >= 2 }
        XCTAssertGreaterThanOrEqual(c.status.failures, 1)
        c.stop()
    }

    func testUnplugAndEndOfStreamReopen() {
        let log = FakePCMSource.Log()
        let c = capture([.open, .data(count: 10, value: 1), .readError(-ENODEV), .open, .eof, .open, .data(count: 10, value: 2)], log: log)
        c.start()
        XCTAssertEqual(Array(drain(c, samples: 20).prefix(20)), [Int16](repeating: 1, count: 10) + [Int16](repeating: 2, count: 10))
        let s = c.status
        XCTAssertEqual(s.failures, 2)
        XCTAssertEqual(s.state, .running)
        c.stop()
        XCTAssertEqual(Array(log.all.prefix(7)), ["open", "read-error -19", "close", "open", "eof", "close", "open"])
    }

    func testStartAndStopAreIdempotentAndRestartable() {
        let log = FakePCMSource.Log()
        let c = capture([], log: log)
        c.stop()
        c.start(); c.start()
        eventually("running") { c.status.state == .running }
        XCTAssertTrue(c.isRunning)
        c.stop(); c.stop()
        XCTAssertFalse(c.isRunning)
        XCTAssertEqual(c.status.state, .stopped)
        c.start()
        eventually("running again") { c.status.state == .running }
        c.stop()
        XCTAssertEqual(log.all.filter { $0 == "open" }.count, 2)
    }

    func testSlowReaderOverflowDropsOldestAndCounts() {
        let log = FakePCMSource.Log()
        // Ring of 1600 samples; 40 periods of 160 arrive with nobody reading. Then the source
        // idles for 2 s (stop() closes the ring first, so that late period is refused).
        let c = capture([.open] + (0..<40).map { i in .data(count: 160, value: Int16(i)) }, log: log, ringSeconds: 0.1,
                        idleSleepMs: 2_000)
        c.start()
        eventually("all captured") { c.status.samplesCaptured >= 6400 }
        let s = c.status
        XCTAssertGreaterThan(s.overruns, 0)
        XCTAssertGreaterThanOrEqual(s.droppedSamples, 6400 - 1600)
        c.stop()
        // The newest audio survives: the last 10 periods, in order.
        let left = drain(c, samples: 1600)
        XCTAssertEqual(left, (30..<40).flatMap { [Int16](repeating: Int16($0), count: 160) })
    }

    func testStopWakesAWriterBlockedOnAFullRing() {
        let log = FakePCMSource.Log()
        let c = capture([], log: log, ringSeconds: 0.01, overflow: .block)
        c.start()
        eventually("ring full") { c.ring.available == c.ring.capacity }
        c.stop()   // must return: the blocked write is woken by closing the ring
        XCTAssertFalse(c.isRunning)
    }
}
