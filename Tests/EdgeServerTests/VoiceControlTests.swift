import EdgeDaemonApp
@testable import EdgeServer
import EdgeTestSupport
import EdgeVoice
import EdgeVoiceTestSupport
import Foundation
import XCTest

/// Microphone on/off through the API (with the scripted capture source standing in for ALSA)
/// and the SSE write timeout for subscribers that stop reading.
final class VoiceControlTests: XCTestCase {
    /// A harness whose `--mic` capture is a `FakePCMSource` delivering live silence.
    func micHarness(onStart: Bool, log: FakePCMSource.Log = .init(),
                    models: @escaping (String) throws -> Void = DaemonFixtures.writeAll) async throws -> DaemonHarness {
        try await DaemonHarness(models: models) { o in
            o.microphone = true
            o.audioDevice = "fake"
            o.microphoneOnStart = onStart
            o.pcmSource = { FakePCMSource([], log: log, idleSleepMs: 10) }
        }
    }

    func testMicrophoneSwitchesOnAndOffThroughTheAPI() async throws {
        let log = FakePCMSource.Log()
        let d = try await micHarness(onStart: false, log: log)
        var (status, mic) = try d.json("GET", "/v1/voice/mic")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(mic["available"] as? Bool, true)
        XCTAssertEqual(mic["enabled"] as? Bool, false, "voice.microphone_on_start = false")
        XCTAssertEqual(mic["device"] as? String, "fake")
        XCTAssertTrue(log.all.isEmpty, "the device is not opened while the microphone is off")

        (status, mic) = try d.json("PUT", "/v1/voice/mic", object: ["enabled": true])
        XCTAssertEqual(status, 200, "\(mic)")
        XCTAssertEqual(mic["enabled"] as? Bool, true)
        XCTAssertEqual(try d.json("PUT", "/v1/voice/mic", object: ["enabled": true]).1["enabled"] as? Bool, true, "idempotent")
        let voice = try XCTUnwrap(try d.json("GET", "/v1/status").1["voice"] as? [String: Any])
        XCTAssertEqual(voice["enabled"] as? Bool, true)
        XCTAssertEqual(voice["listening"] as? Bool, true)
        for _ in 0..<100 where !log.all.contains("open") { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertEqual(log.all.filter { $0 == "open" }.count, 1, "started once: \(log.all)")

        (status, mic) = try d.json("PUT", "/v1/voice/mic", object: ["enabled": false])
        XCTAssertEqual(status, 200)
        XCTAssertEqual(mic["enabled"] as? Bool, false)
        XCTAssertEqual((mic["listener"] as? [String: Any])?["listening"] as? Bool, false)
        XCTAssertEqual(log.all.last, "close", "stop closes the device: \(log.all)")
        XCTAssertEqual(try d.json("PUT", "/v1/voice/mic", object: ["enabled": false]).0, 200, "idempotent")

        // Bad bodies are 400s and change nothing.
        for body in ["", "{\"enabled\":\"yes\"}", "{\"on\":true}", "[true]", "{\"enabled\":"] {
            let (code, error) = try d.json("PUT", "/v1/voice/mic", body: Array(body.utf8))
            XCTAssertEqual(code, 400, body)
            XCTAssertEqual(DaemonHarness.errorCode(error), "invalid_json", body)
        }
        XCTAssertEqual(try d.json("GET", "/v1/voice/mic").1["enabled"] as? Bool, false)
        await d.shutdown()
    }

    func testMicrophoneStartsOnWhenConfiguredAndShutdownStopsIt() async throws {
        let log = FakePCMSource.Log()
        let d = try await micHarness(onStart: true, log: log)
        XCTAssertEqual(try d.json("GET", "/v1/voice/mic").1["enabled"] as? Bool, true)
        await d.shutdown()
        XCTAssertFalse(d.wiring.microphone.state.enabled)
        XCTAssertEqual(log.all.last, "close", "\(log.all)")
    }

    func testWithoutMicFlagSwitchingIsAConflict() async throws {
        let d = try await DaemonHarness()
        let (status, mic) = try d.json("GET", "/v1/voice/mic")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(mic["available"] as? Bool, false)
        XCTAssertEqual(mic["enabled"] as? Bool, false)
        for on in [true, false] {
            let (code, error) = try d.json("PUT", "/v1/voice/mic", object: ["enabled": on])
            XCTAssertEqual(code, 409)
            XCTAssertEqual(DaemonHarness.errorCode(error), "mic_unavailable")
            XCTAssertTrue("\(error)".contains("--mic"), "the message says how to get one: \(error)")
        }
        XCTAssertEqual((try d.json("GET", "/v1/status").1["voice"] as? [String: Any])?["available"] as? Bool, false)
        await d.shutdown()
    }

    func testSwitchingOnWithoutSpeechFamilyIs503() async throws {
        let d = try await micHarness(onStart: true) { models in
            try ContractModels.writeFamily(in: models, family: "landmarks", task: "detection", metric: "mAP@0.5",
                                           labels: ContractModels.detectionLabels, graph: ContractModels.detectionGraph)
        }
        let (code, error) = try d.json("PUT", "/v1/voice/mic", object: ["enabled": true])
        XCTAssertEqual(code, 503)
        XCTAssertEqual(DaemonHarness.errorCode(error), "model_unavailable")
        XCTAssertEqual(try d.json("PUT", "/v1/voice/mic", object: ["enabled": false]).0, 200, "off is always possible")
        await d.shutdown()
    }

    /// The start-up decision applies when a reload brings the first speech family, unless an
    /// accepted `PUT` replaced it; a refused switch-on does not count.
    func testReloadAddingASpeechFamilyHonoursTheLastAcceptedSwitch() async throws {
        for (put, expectOn) in [(true, true), (false, false)] {
            let d = try await micHarness(onStart: true) { models in
                try ContractModels.writeFamily(in: models, family: "landmarks", task: "detection", metric: "mAP@0.5",
                                               labels: ContractModels.detectionLabels, graph: ContractModels.detectionGraph)
            }
            XCTAssertEqual(try d.json("PUT", "/v1/voice/mic", object: ["enabled": put]).0, put ? 503 : 200)
            let models = d.tmp.path("models")
            try ContractModels.writeFamily(in: models, family: "speech-commands", task: "speech", metric: "accuracy",
                                           labels: ContractModels.speechLabels, graph: ContractModels.speechGraph)
            d.registry.replaceCatalog(try ModelCatalog.load(directory: models))
            _ = d.wiring.routes(registry: d.registry, metrics: d.metrics)   // what a SIGHUP reload does
            XCTAssertEqual(d.wiring.microphone.state.enabled, expectOn, "PUT enabled=\(put) before the reload")
            await d.shutdown()
        }
    }

    /// A subscriber that stops reading fills its socket; after the write timeout its connection
    /// is closed. Publishing never waits, and it is the timeout, not the hub's queue, that drops it.
    func testSubscriberThatStopsReadingIsDisconnectedAfterTheWriteTimeout() async throws {
        let d = try await DaemonHarness(configure: { $0.sseWriteTimeout = .milliseconds(300) })
        let stalled = try SSEClient(socket: d.socket)
        XCTAssertTrue(stalled.readUntil("subscribed"))
        let reader = try SSEClient(socket: d.socket)
        XCTAssertTrue(reader.readUntil("subscribed"))
        XCTAssertEqual(d.wiring.hub.subscriberCount, 2)

        // 48 events of ~8 KiB: more than a Unix socket buffers, fewer than the hub's queue (64).
        let big = String(repeating: "x", count: 8_000)
        let clock = ContinuousClock()
        let publishing = clock.measure {
            for i in 0..<48 { d.wiring.hub.publish(VoiceCommand(label: "\(i)-\(big)", confidence: 0.9, startMs: i, endMs: i + 1, variant: "t")) }
        }
        XCTAssertLessThan(publishing, .seconds(1), "publish never waits for a subscriber")
        XCTAssertTrue(reader.readUntil("\"label\":\"47-"), "a reading subscriber gets everything")

        for _ in 0..<300 where d.wiring.hub.subscriberCount > 1 { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertEqual(d.wiring.hub.subscriberCount, 1, "the stalled subscriber is gone")
        XCTAssertEqual(d.wiring.hub.droppedSubscribers, 0, "dropped by the write timeout, not by a full queue")
        XCTAssertTrue(stalled.readToEnd(), "its connection was closed by the server")
        XCTAssertFalse(stalled.text.contains("\"label\":\"47-"), "it never received the tail")

        d.wiring.hub.publish(VoiceCommand(label: "after", confidence: 0.9, startMs: 0, endMs: 1, variant: "t"))
        XCTAssertTrue(reader.readUntil("\"label\":\"after\""), "the other subscriber is unaffected")
        XCTAssertEqual(try d.client.send("GET", "/v1/health").status, 200)
        await d.shutdown()
    }
}
