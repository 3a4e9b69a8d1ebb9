import EdgeAudio
import EdgeDaemonApp
import EdgeMatch
@testable import EdgeServer
import EdgeStore
import EdgeTestSupport
import EdgeVision
import EdgeVoice
import Foundation
import XCTest

/// The daemon's wiring through the real socket: inference routes on tiny contract-shaped
/// families, the player store and event log in state.sqlite, the governor and voice events.
final class DaemonWiringTests: XCTestCase {
    func testDetectReturnsBoxesInsideTheImageAndSurvivesACorruptImage() async throws {
        let d = try await DaemonHarness()
        let image = RGBImage(width: 40, height: 30, fill: (200, 30, 30))
        let (status, answer) = try d.json("POST", "/v1/vision/detect", body: try PNGCodec.encode(image), contentType: "image/png")
        XCTAssertEqual(status, 200, "\(answer)")
        let detections = try XCTUnwrap(answer["detections"] as? [[String: Any]])
        XCTAssertFalse(detections.isEmpty)
        for det in detections {
            XCTAssertEqual(det["label"] as? String, "stop_sign")
            let box = try XCTUnwrap(det["box"] as? [String: Double])
            let (x, y, w, h) = (box["x"]!, box["y"]!, box["width"]!, box["height"]!)
            XCTAssertTrue(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 40.0001 && y + h <= 30.0001, "\(box)")
        }
        let model = try XCTUnwrap(answer["model"] as? [String: String])
        XCTAssertEqual(model["name"], "landmarks")
        XCTAssertEqual(model["variant"], "teacher")

        // Raw frame: same answer shape; wrong length → 400.
        let raw = [UInt8](repeating: 128, count: 20 * 10)
        XCTAssertEqual(try d.json("POST", "/v1/vision/detect?format=gray8&width=20&height=10", body: raw, contentType: "application/octet-stream").0, 200)
        let (short, shortError) = try d.json("POST", "/v1/vision/detect?format=gray8&width=20&height=11", body: raw)
        XCTAssertEqual(short, 400)
        XCTAssertEqual(DaemonHarness.errorCode(shortError), "invalid_image")

        var corrupt = try PNGCodec.encode(image)
        corrupt.removeLast(corrupt.count / 2)
        let (bad, badError) = try d.json("POST", "/v1/vision/detect", body: corrupt, contentType: "image/png")
        XCTAssertEqual(bad, 400)
        XCTAssertEqual(DaemonHarness.errorCode(badError), "invalid_image")
        XCTAssertEqual(try d.json("POST", "/v1/vision/detect", body: Array("not an image".utf8)).0, 400)
        XCTAssertEqual(try d.client.send("GET", "/v1/health").status, 200, "still serving")
        XCTAssertEqual(try d.json("POST", "/v1/vision/detect", body: try PNGCodec.encode(image)).0, 200)
        await d.shutdown()
    }

    func testRecognizeAnswersWAVAndRejectsBrokenAudio() async throws {
        let d = try await DaemonHarness()
        let samples = (0..<16_000).map { i in Float(0.3 * sin(Double(i) * 2 * .pi * 440 / 16_000)) }
        let wav = WAVEncoder.encode(try AudioClip(sampleRate: 16_000, channels: 1, samples: samples))
        let (status, answer) = try d.json("POST", "/v1/speech/recognize", body: wav, contentType: "audio/wav")
        XCTAssertEqual(status, 200, "\(answer)")
        XCTAssertNotNil(answer["commands"] as? [Any])
        XCTAssertEqual((answer["model"] as? [String: String])?["name"], "speech-commands")
        XCTAssertNotNil(answer["latency_ms"] as? Double)

        var broken = wav
        broken.replaceSubrange(20..<22, with: [0x55, 0x00])  // audio format 0x55 (MP3): not PCM
        let (bad, badError) = try d.json("POST", "/v1/speech/recognize", body: Array(broken.prefix(60)), contentType: "audio/wav")
        XCTAssertEqual(bad, 400, "\(badError)")
        XCTAssertEqual(DaemonHarness.errorCode(badError), "invalid_audio")
        XCTAssertEqual(try d.json("POST", "/v1/speech/recognize", body: [1, 2, 3]).0, 400, "odd byte count is not s16le")
        XCTAssertEqual(try d.json("POST", "/v1/speech/recognize", body: wav).0, 200, "still serving")
        await d.shutdown()
    }

    static func player(_ id: String, skill: Double, region: String = "eu") -> [String: Any] {
        ["skill": skill, "region": region, "latency_ms": 40, "play_style": "casual", "toxicity": 0.1,
         "quit_rate": 0.05, "party_size": 1, "matches_played": 10]
    }

    func testRankPlayersAndResults() async throws {
        let d = try await DaemonHarness()
        let (unknown, unknownError) = try d.json("POST", "/v1/match/rank", object: ["player": "ann", "candidates": ["bob"]])
        XCTAssertEqual(unknown, 404)
        XCTAssertEqual(DaemonHarness.errorCode(unknownError), "unknown_player")

        let skills = ["ann": 1500.0, "bob": 1400, "cy": 1900, "dee": 1550]
        for (id, skill) in skills {
            let (status, stored) = try d.json("PUT", "/v1/match/players/\(id)", object: Self.player(id, skill: skill))
            XCTAssertEqual(status, 200, "\(stored)")
            XCTAssertEqual(stored["id"] as? String, id)
        }
        XCTAssertEqual(try d.json("PUT", "/v1/match/players/ann", object: ["skill": 1500]).0, 400, "missing fields")
        XCTAssertEqual(try d.json("PUT", "/v1/match/players/ann", object: Self.player("x", skill: -5)).0, 400, "skill out of range")
        var other = Self.player("ann", skill: 1500)
        other["id"] = "zed"
        XCTAssertEqual(try d.json("PUT", "/v1/match/players/ann", object: other).0, 400, "id mismatch")

        let (status, ranked) = try d.json("POST", "/v1/match/rank", object: ["player": "ann", "candidates": ["bob", "cy", "dee"], "limit": 2])
        XCTAssertEqual(status, 200, "\(ranked)")
        let rows = try XCTUnwrap(ranked["ranked"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 2)
        // Expected order from the fixture's linear ranker over MatchFeatures rows.
        let players = try JSONDecoder().decode([String: Player].self, from: JSONSerialization.data(withJSONObject:
            Dictionary(uniqueKeysWithValues: skills.map { id, s in (id, Self.player(id, skill: s).merging(["id": id]) { $1 }) })))
        let expected = ["bob", "cy", "dee"].sorted { DaemonFixtures.expectedScore(players["ann"]!, players[$0]!) > DaemonFixtures.expectedScore(players["ann"]!, players[$1]!) }
        XCTAssertEqual(rows.map { $0["id"] as? String }, expected.prefix(2).map { $0 })
        let scores = rows.compactMap { $0["score"] as? Double }
        XCTAssertEqual(scores, scores.sorted(by: >))
        XCTAssertEqual(scores[0], DaemonFixtures.expectedScore(players["ann"]!, players[expected[0]]!), accuracy: 1e-3)

        XCTAssertEqual(try d.json("POST", "/v1/match/rank", body: Array("{\"player\":".utf8)).0, 400, "broken JSON")
        XCTAssertEqual(try d.json("POST", "/v1/match/rank", object: ["player": "ann", "candidates": []]).0, 400)

        let result: [String: Any] = ["match_id": "m1", "timestamp": 1_700_000_000, "teams": [["ann"], ["bob"]], "margin": 0.1, "quitters": ["bob"]]
        let (recorded, outcome) = try d.json("POST", "/v1/match/results", object: result)
        XCTAssertEqual(recorded, 201, "\(outcome)")
        XCTAssertEqual(outcome["outcome"] as? String, "recorded")
        XCTAssertEqual(try d.json("POST", "/v1/match/results", object: result).1["outcome"] as? String, "duplicate")
        var conflicting = result
        conflicting["margin"] = 0.9
        XCTAssertEqual(try d.json("POST", "/v1/match/results", object: conflicting).0, 409)
        var stranger = result
        stranger["match_id"] = "m2"
        stranger["teams"] = [["ann"], ["nobody"]]
        stranger["quitters"] = [String]()
        XCTAssertEqual(try d.json("POST", "/v1/match/results", object: stranger).0, 404)
        var invalid = result
        invalid["match_id"] = "m3"
        invalid["margin"] = 3.0
        XCTAssertEqual(try d.json("POST", "/v1/match/results", object: invalid).0, 400, "margin outside −1…1")
        let bob = try await d.wiring.store.players(ids: ["bob"])["bob"]
        XCTAssertEqual(bob?.matchesPlayed, 11, "the recorded result updated the store")
        await d.shutdown()
    }

    func testStatusShowsGovernorAndEventsReachStateDatabase() async throws {
        let d = try await DaemonHarness()
        let (status, body) = try d.json("GET", "/v1/status")
        XCTAssertEqual(status, 200)
        let governor = try XCTUnwrap(body["governor"] as? [String: Any], "\(body.keys)")
        XCTAssertEqual(governor["enabled"] as? Bool, true)
        XCTAssertEqual((governor["models"] as? [Any])?.count, 3)
        XCTAssertNotNil(body["voice"] as? [String: Any])

        // The status request above is summarised; liveness probes are not logged at all.
        XCTAssertEqual(try d.client.send("GET", "/v1/health").status, 200)
        d.wiring.events.flushSummaries(force: true)
        let events = try await d.events(.requestSummary) { $0.contains { $0.payload.contains("/v1/status") } }
        XCTAssertTrue(events.contains { $0.payload.contains("\"route\":\"/v1/status\"") }, "\(events.map(\.payload))")
        XCTAssertFalse(events.contains { $0.payload.contains("/v1/health") }, "\(events.map(\.payload))")

        // A level switch by a client goes to the event log too.
        XCTAssertEqual(try d.json("PUT", "/v1/models/landmarks/level", object: ["level": "int8"]).0, 200)
        let switches = try await d.events(.levelSwitch) { $0.contains { $0.payload.contains("int8") } }
        XCTAssertTrue(switches.contains { $0.payload.contains("\"to\":\"int8\"") }, "\(switches.map(\.payload))")
        await d.shutdown()
    }

    func testRequestSummariesReachTheDatabaseOnGracefulShutdown() async throws {
        let d = try await DaemonHarness()
        for _ in 0..<3 { XCTAssertEqual(try d.client.send("GET", "/v1/status").status, 200) }
        let png = try PNGCodec.encode(RGBImage(width: 16, height: 16))
        for _ in 0..<2 { XCTAssertEqual(try d.json("POST", "/v1/vision/detect", body: png).0, 200) }
        XCTAssertEqual(try d.json("POST", "/v1/vision/detect", body: Array("junk".utf8)).0, 400)
        let early = try await d.wiring.store.events(kind: .requestSummary)
        XCTAssertEqual(early.count, 0, "nothing written before the interval ends")
        await d.shutdown()

        // Reopen the file as a restarted daemon would: the last interval's counts were written.
        let store = try StateStore(directory: d.tmp.path("var"))
        defer { try? store.close() }
        let rows = try await store.events(kind: .requestSummary).map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.payload.utf8)) as? [String: Any]) }
        let status = try XCTUnwrap(rows.first { $0["route"] as? String == "/v1/status" }, "\(rows)")
        XCTAssertEqual(status["count"] as? Int, 3)
        XCTAssertNil(status["model"])
        let detect = try XCTUnwrap(rows.first { $0["route"] as? String == "/v1/vision/detect" && $0["status_class"] as? String == "2xx" }, "\(rows)")
        XCTAssertEqual(detect["count"] as? Int, 2)
        XCTAssertEqual(detect["model"] as? String, "landmarks")
        XCTAssertEqual(detect["variant"] as? String, "teacher")
        let rejected = try XCTUnwrap(rows.first { $0["route"] as? String == "/v1/vision/detect" && $0["status_class"] as? String == "4xx" })
        XCTAssertEqual(rejected["statuses"] as? [String: Int], ["400": 1])
        let perRequest = try await store.events(kind: .request)
        XCTAssertEqual(perRequest.count, 0, "no per-request rows any more")
    }

    func testVoiceEventsStreamAsServerSentEventsAndAreLogged() async throws {
        let d = try await DaemonHarness()
        let sse = try SSEClient(socket: d.socket)
        sse.readUntil("subscribed")
        let text = { sse.text }
        XCTAssertTrue(text().hasPrefix("HTTP/1.1 200"), text())
        XCTAssertTrue(text().lowercased().contains("content-type: text/event-stream"), text())
        d.wiring.hub.publish(VoiceCommand(label: "yes", confidence: 0.9, startMs: 100, endMs: 600, variant: "teacher"))
        sse.readUntil("\"label\":\"yes\"")
        XCTAssertTrue(text().contains("data: {"), text())
        XCTAssertTrue(text().contains("\"label\":\"yes\""), text())
        let logged = try await d.events(.voiceCommand) { !$0.isEmpty }
        XCTAssertEqual(logged.count, 1)
        XCTAssertTrue(logged.first?.payload.contains("yes") ?? false)
        XCTAssertEqual(try d.client.send("GET", "/v1/health").status, 200, "other clients are served meanwhile")
        await d.shutdown()
    }

    func testRoutesAnswerModelUnavailableWithoutTheirFamily() async throws {
        let d = try await DaemonHarness { models in
            try ContractModels.writeFamily(in: models, family: "speech-commands", task: "speech", metric: "accuracy",
                                           labels: ContractModels.speechLabels, graph: ContractModels.speechGraph)
        }
        let png = try PNGCodec.encode(RGBImage(width: 8, height: 8))
        let (status, body) = try d.json("POST", "/v1/vision/detect", body: png)
        XCTAssertEqual(status, 503)
        XCTAssertEqual(DaemonHarness.errorCode(body), "model_unavailable")
        XCTAssertTrue("\(body)".contains("detection"), "the message names the missing task")
        XCTAssertEqual(try d.json("PUT", "/v1/match/players/ann", object: Self.player("ann", skill: 1500)).0, 200)
        XCTAssertEqual(try d.json("PUT", "/v1/match/players/bob", object: Self.player("bob", skill: 1500)).0, 200)
        XCTAssertEqual(try d.json("POST", "/v1/match/rank", object: ["player": "ann", "candidates": ["bob"]]).0, 503)
        await d.shutdown()
    }

    func testGovernorMovesEveryFamilyDownOnLowBatteryAndLogsTheSwitch() async throws {
        let d = try await DaemonHarness()
        XCTAssertEqual(Set(d.registry.status().map(\.activeVariant)), ["teacher"])
        let battery = d.tmp.path("sys") + "/class/power_supply/BAT0"
        try FileManager.default.createDirectory(atPath: battery, withIntermediateDirectories: true)
        for (file, value) in [("type", "Battery"), ("capacity", "15"), ("status", "Discharging")] {
            try (value + "\n").write(toFile: "\(battery)/\(file)", atomically: true, encoding: .utf8)
        }
        try XCTUnwrap(d.wiring.governor.governor).tick()
        let status = d.registry.status()
        XCTAssertEqual(Set(status.map(\.activeVariant)), ["int8"], "\(status)")
        XCTAssertTrue(status.allSatisfy { $0.reason.hasPrefix("auto: governor:") }, "\(status.map(\.reason))")

        // The detect route now runs on int8.
        let (code, answer) = try d.json("POST", "/v1/vision/detect", body: try PNGCodec.encode(RGBImage(width: 16, height: 16)))
        XCTAssertEqual(code, 200)
        XCTAssertEqual((answer["model"] as? [String: String])?["variant"], "int8")
        let switches = try await d.events(.levelSwitch) { $0.filter { $0.payload.contains("\"to\":\"int8\"") }.count >= 3 }
        XCTAssertEqual(switches.filter { $0.payload.contains("\"to\":\"int8\"") }.count, 3, "\(switches.map(\.payload))")
        await d.shutdown()
    }
}
