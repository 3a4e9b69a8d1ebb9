import XCTest
@testable import EdgeVoice

final class SampleRingTests: XCTestCase {
    func write(_ r: SampleRing, _ v: [Int16]) { v.withUnsafeBufferPointer { _ = r.write($0) } }
    func read(_ r: SampleRing, max: Int, timeout: Double = 0, minimum: Int = 1) -> ([Int16], SampleRing.ReadResult) {
        var buf = [Int16](repeating: -1, count: max)
        let res = buf.withUnsafeMutableBufferPointer { r.read(into: $0, minimum: minimum, timeout: timeout) }
        return (Array(buf.prefix(res.count)), res)
    }

    func testWrapsAroundInOrder() {
        let r = SampleRing(capacity: 5)
        write(r, [1, 2, 3])
        XCTAssertEqual(read(r, max: 2).0, [1, 2])
        write(r, [4, 5, 6, 7])
        XCTAssertEqual(read(r, max: 10).0, [3, 4, 5, 6, 7])
        XCTAssertEqual(r.available, 0)
    }

    func testOverflowDropsOldestAndReportsTheGap() {
        let r = SampleRing(capacity: 4)
        write(r, [1, 2, 3])
        write(r, [4, 5, 6])         // drops 1, 2
        let (v, res) = read(r, max: 10)
        XCTAssertEqual(v, [3, 4, 5, 6])
        XCTAssertEqual(res.droppedBefore, 2)
        XCTAssertEqual(r.overflowStats.overruns, 1)
        XCTAssertEqual(r.overflowStats.droppedSamples, 2)
        write(r, [7])
        XCTAssertEqual(read(r, max: 10).1.droppedBefore, 0, "a gap is reported once")
    }

    func testWriteLargerThanCapacityKeepsTheNewest() {
        let r = SampleRing(capacity: 3)
        write(r, [1, 2, 3, 4, 5, 6, 7])
        let (v, res) = read(r, max: 10)
        XCTAssertEqual(v, [5, 6, 7])
        XCTAssertEqual(res.droppedBefore, 4)
    }

    func testEmptyReadTimesOutAndCloseEndsTheStream() {
        let r = SampleRing(capacity: 8)
        let t0 = Date()
        let (v, res) = read(r, max: 4, timeout: 0.05)
        XCTAssertEqual(v, [])
        XCTAssertFalse(res.closed)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(t0), 0.04)
        write(r, [1])
        r.close()
        XCTAssertFalse([Int16(2)].withUnsafeBufferPointer { r.write($0) }, "closed rings refuse writes")
        XCTAssertEqual(read(r, max: 4).0, [1], "what was written before close is still read")
        XCTAssertTrue(read(r, max: 4, timeout: 1).1.closed)
        r.reopen()
        write(r, [3])
        XCTAssertEqual(read(r, max: 4).0, [3])
    }

    func testBlockingPolicyWaitsForTheReader() {
        let r = SampleRing(capacity: 4, policy: .block)
        let done = expectation(description: "writer finished")
        DispatchQueue.global().async {
            let v: [Int16] = Array(1...12)
            v.withUnsafeBufferPointer { _ = r.write($0) }
            done.fulfill()
        }
        var got: [Int16] = []
        while got.count < 12 { got += read(r, max: 3, timeout: 1).0 }
        wait(for: [done], timeout: 5)
        XCTAssertEqual(got, Array(1...12))
        XCTAssertEqual(r.overflowStats.droppedSamples, 0)
    }

    func testBackoffDoublesUpToTheCapAndResets() {
        var b = Backoff(initialMs: 100, capMs: 1000)
        XCTAssertEqual((0..<6).map { _ in b.nextDelayMs() }, [100, 200, 400, 800, 1000, 1000])
        for _ in 0..<100 { _ = b.nextDelayMs() }
        XCTAssertEqual(b.nextDelayMs(), 1000, "no overflow after many failures")
        b.reset()
        XCTAssertEqual(b.nextDelayMs(), 100)
    }
}

extension SampleRingTests {
    func testReadWaitsForTheMinimumOrTheTimeout() {
        let r = SampleRing(capacity: 16)
        write(r, [1, 2])
        let t0 = Date()
        let (v, _) = read(r, max: 8, timeout: 0.05, minimum: 4)
        XCTAssertEqual(v, [1, 2], "after the timeout, what is there")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(t0), 0.04)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.02) { let v: [Int16] = [3, 4, 5, 6]; v.withUnsafeBufferPointer { _ = r.write($0) } }
        XCTAssertEqual(read(r, max: 8, timeout: 5, minimum: 4).0, [3, 4, 5, 6])
    }
}
