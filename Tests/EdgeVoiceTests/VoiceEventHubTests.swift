import Foundation
import Synchronization
import XCTest
@testable import EdgeVoice

final class RecordingLog: VoiceEventLog {
    let events = Mutex<[VoiceCommand]>([])
    func record(_ command: VoiceCommand) { events.withLock { $0.append(command) } }
}

final class VoiceEventHubTests: XCTestCase {
    func command(_ i: Int) -> VoiceCommand {
        VoiceCommand(label: "yes", confidence: 0.9, startMs: i * 1000, endMs: i * 1000 + 500, variant: "teacher")
    }

    func testEverySubscriberAndTheLogGetEveryEvent() {
        let log = RecordingLog()
        let hub = VoiceEventHub(log: log)
        let a = hub.subscribe()!, b = hub.subscribe()!
        for i in 0..<3 { hub.publish(command(i)) }
        for s in [a, b] {
            XCTAssertEqual((0..<3).map { _ in s.poll() }, (0..<3).map { .event(command($0)) })
            XCTAssertNil(s.poll())
        }
        XCTAssertEqual(log.events.withLock { $0.count }, 3)
    }

    func testSlowSubscriberIsDroppedAndToldWhyWithoutAffectingOthers() {
        let hub = VoiceEventHub()
        let slow = hub.subscribe(capacity: 2)!
        let fast = hub.subscribe(capacity: 2)!
        for i in 0..<5 {
            hub.publish(command(i))
            XCTAssertEqual(fast.poll(), .event(command(i)))
        }
        XCTAssertEqual(slow.poll(), .event(command(0)))
        XCTAssertEqual(slow.poll(), .event(command(1)))
        guard case .closed(let reason)? = slow.poll() else { return XCTFail("expected the closing message") }
        XCTAssertTrue(reason.contains("slow consumer"), reason)
        XCTAssertNil(slow.next(timeout: 0.01))
        XCTAssertEqual(hub.subscriberCount, 1)
        XCTAssertEqual(hub.droppedSubscribers, 1)
    }

    func testCancelAndReleaseUnsubscribe() {
        let hub = VoiceEventHub(maxSubscribers: 2)
        let a = hub.subscribe()!
        var b: VoiceSubscription? = hub.subscribe()
        XCTAssertNil(hub.subscribe(), "limit reached")
        a.cancel()
        b = nil
        XCTAssertNil(b)
        XCTAssertEqual(hub.subscriberCount, 0)
        hub.publish(command(0))   // nobody listening: fine
    }

    func testAsyncIterationEndsWithTheClosingMessage() async {
        let hub = VoiceEventHub()
        let sub = hub.subscribe()!
        let reader = Task { () -> [VoiceHubMessage] in
            var got: [VoiceHubMessage] = []
            for await m in sub { got.append(m) }
            return got
        }
        try? await Task.sleep(nanoseconds: 20_000_000)
        hub.publish(command(1))
        hub.publish(command(2))
        hub.closeAll(reason: "microphone off")
        let got = await reader.value
        XCTAssertEqual(got, [.event(command(1)), .event(command(2)), .closed(reason: "microphone off")])
    }

    func testCancellingTheReadingTaskEndsIteration() async {
        let hub = VoiceEventHub()
        let sub = hub.subscribe()!
        let reader = Task { () -> Int in
            var n = 0
            for await _ in sub { n += 1 }
            return n
        }
        try? await Task.sleep(nanoseconds: 20_000_000)
        reader.cancel()
        let n = await reader.value
        XCTAssertEqual(n, 0)
        XCTAssertEqual(hub.subscriberCount, 0)
    }

    func testServerSentEventsFraming() {
        let c = VoiceCommand(label: "stop", confidence: 0.5, startMs: 10, endMs: 20, variant: "int8")
        XCTAssertEqual(ServerSentEvents.event(c),
                       "data: {\"confidence\":0.5,\"end_ms\":20,\"label\":\"stop\",\"start_ms\":10,\"variant\":\"int8\"}\n\n")
        XCTAssertEqual(ServerSentEvents.event(c, id: 3).prefix(6), "id: 3\n")
        XCTAssertEqual(ServerSentEvents.keepAlive("a\nb"), ": a b\n\n")
        XCTAssertEqual(ServerSentEvents.closing(reason: "slow \"x\"\n"), "event: error\ndata: {\"error\":\"slow \\\"x\\\"\\n\"}\n\n")
        let json = ServerSentEvents.closing(reason: "a\u{1}b").split(separator: "\n")[1].dropFirst(6)
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(json.utf8)), "valid JSON even for control characters")
        XCTAssertEqual(ServerSentEvents.encode(.closed(reason: "bye")), ServerSentEvents.closing(reason: "bye"))
    }
}
