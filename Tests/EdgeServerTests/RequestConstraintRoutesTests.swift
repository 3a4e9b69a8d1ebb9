import EdgeAudio
import EdgeDaemonApp
import EdgeTestSupport
import EdgeVision
import Foundation
import XCTest

/// Per-request constraints on the inference routes: query parameters on detect and recognize,
/// JSON fields on rank; the answer's `model` names the variant and whether they were honoured.
/// The fixture ladders: teacher (accuracy 0.90, 0.1 ms), int8 (0.89, 0.1 ms).
final class RequestConstraintRoutesTests: XCTestCase {
    static let png = try! PNGCodec.encode(RGBImage(width: 16, height: 16))

    func detect(_ d: DaemonHarness, _ query: String) throws -> (Int, [String: Any], [String: Any]?) {
        let (status, body) = try d.json("POST", "/v1/vision/detect?" + query, body: Self.png, contentType: "image/png")
        return (status, body, body["model"] as? [String: Any])
    }

    func testDetectRunsOnTheResolvedVariantAndSaysWhetherItHonouredTheConstraints() async throws {
        let d = try await DaemonHarness()
        var (status, body, model) = try detect(d, "")
        XCTAssertEqual(status, 200, "\(body)")
        XCTAssertEqual(model?["variant"] as? String, "teacher")
        XCTAssertNil(model?["constraint"], "no constraints, no note")

        (status, body, model) = try detect(d, "quality=eco")
        XCTAssertEqual(status, 200, "\(body)")
        XCTAssertEqual(model?["variant"] as? String, "int8")
        XCTAssertEqual((model?["constraint"] as? [String: Any])?["honoured"] as? Bool, true)
        XCTAssertEqual(d.registry.lease("landmarks")?.name, "teacher", "a constraint changes one request, not the level")

        // eco would be int8 (0.89) but min_accuracy 0.895 rules it out: the nearest rung meeting it.
        (_, _, model) = try detect(d, "quality=eco&min_accuracy=0.895")
        XCTAssertEqual(model?["variant"] as? String, "teacher")
        var note = try XCTUnwrap(model?["constraint"] as? [String: Any])
        XCTAssertEqual(note["honoured"] as? Bool, true)
        XCTAssertTrue((note["reason"] as? String ?? "").contains("min_accuracy"), "\(note)")

        (_, _, model) = try detect(d, "min_accuracy=0.95")
        note = try XCTUnwrap(model?["constraint"] as? [String: Any])
        XCTAssertEqual(note["honoured"] as? Bool, false)
        XCTAssertTrue((note["reason"] as? String ?? "").contains("min_accuracy 0.95 cannot be honoured"), "\(note)")

        (status, _, model) = try detect(d, "max_latency_ms=0.05&quality=max")
        XCTAssertEqual(status, 200)
        note = try XCTUnwrap(model?["constraint"] as? [String: Any])
        XCTAssertEqual(note["honoured"] as? Bool, false)
        XCTAssertTrue((note["reason"] as? String ?? "").contains("max_latency_ms"), "\(note)")

        // Raw frames keep their own query parameters beside the constraints.
        let raw = [UInt8](repeating: 128, count: 20 * 10)
        let (rawStatus, rawBody) = try d.json("POST", "/v1/vision/detect?format=gray8&width=20&height=10&quality=eco", body: raw)
        XCTAssertEqual(rawStatus, 200, "\(rawBody)")
        XCTAssertEqual((rawBody["model"] as? [String: Any])?["variant"] as? String, "int8")
        await d.shutdown()
    }

    func testInvalidConstraintsAre400AndTheDaemonKeepsServing() async throws {
        let d = try await DaemonHarness()
        for query in ["max_latency_ms=abc", "max_latency_ms=-1", "max_latency_ms=0", "max_latency_ms=nan", "max_latency_ms=inf",
                      "max_latency_ms=", "min_accuracy=1.5", "min_accuracy=-0.1", "min_accuracy=NaN", "quality=turbo", "quality=",
                      "quality=MAX"] {
            let (status, body, _) = try detect(d, query)
            XCTAssertEqual(status, 400, query)
            XCTAssertEqual(DaemonHarness.errorCode(body), "invalid_constraint", "\(query): \(body)")
            let wav = Array(repeating: UInt8(0), count: 3200)
            let (speech, speechBody) = try d.json("POST", "/v1/speech/recognize?" + query, body: wav, contentType: "application/octet-stream")
            XCTAssertEqual(speech, 400, query)
            XCTAssertEqual(DaemonHarness.errorCode(speechBody), "invalid_constraint", "\(query): \(speechBody)")
        }
        let (status, body, _) = try detect(d, "quality=balanced")
        XCTAssertEqual(status, 200, "still serving: \(body)")
        await d.shutdown()
    }

    func testRecognizeTakesQueryConstraints() async throws {
        let d = try await DaemonHarness()
        let samples = (0..<16_000).map { i in Float(0.3 * sin(Double(i) * 2 * .pi * 440 / 16_000)) }
        let wav = WAVEncoder.encode(try AudioClip(sampleRate: 16_000, channels: 1, samples: samples))
        let (status, body) = try d.json("POST", "/v1/speech/recognize?quality=eco", body: wav, contentType: "audio/wav")
        XCTAssertEqual(status, 200, "\(body)")
        let model = try XCTUnwrap(body["model"] as? [String: Any])
        XCTAssertEqual(model["variant"] as? String, "int8")
        XCTAssertEqual((model["constraint"] as? [String: Any])?["honoured"] as? Bool, true)
        await d.shutdown()
    }

    func testRankTakesJSONConstraints() async throws {
        let d = try await DaemonHarness()
        for id in ["ann", "bob"] {
            XCTAssertEqual(try d.json("PUT", "/v1/match/players/\(id)", object: DaemonWiringTests.player(id, skill: 1500)).0, 200)
        }
        var (status, body) = try d.json("POST", "/v1/match/rank", object: ["player": "ann", "candidates": ["bob"], "quality": "eco"])
        XCTAssertEqual(status, 200, "\(body)")
        XCTAssertEqual((body["model"] as? [String: Any])?["variant"] as? String, "int8")
        (status, body) = try d.json("POST", "/v1/match/rank", object: ["player": "ann", "candidates": ["bob"], "min_accuracy": 0.99])
        XCTAssertEqual(status, 200)
        XCTAssertEqual(((body["model"] as? [String: Any])?["constraint"] as? [String: Any])?["honoured"] as? Bool, false)

        (status, body) = try d.json("POST", "/v1/match/rank", object: ["player": "ann", "candidates": ["bob"], "min_accuracy": 2])
        XCTAssertEqual(status, 400)
        XCTAssertEqual(DaemonHarness.errorCode(body), "invalid_constraint")
        (status, body) = try d.json("POST", "/v1/match/rank", object: ["player": "ann", "candidates": ["bob"], "quality": "fast"])
        XCTAssertEqual(DaemonHarness.errorCode(body), "invalid_constraint")
        (status, body) = try d.json("POST", "/v1/match/rank", object: ["player": "ann", "candidates": ["bob"], "max_latency_ms": "5"])
        XCTAssertEqual(status, 400)
        XCTAssertEqual(DaemonHarness.errorCode(body), "invalid_json", "a string where a number belongs")
        await d.shutdown()
    }

    /// A family whose card lacks the governor's figures is served but not governed: a request
    /// with constraints runs on the active variant and is told they were not honoured.
    func testUngovernedFamilySaysConstraintsWereNotHonoured() async throws {
        let d = try await DaemonHarness { models in
            try DaemonFixtures.writeAll(in: models)
            let path = "\(models)/landmarks/card.json"
            var card = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            card["variants"] = (card["variants"] as? [[String: Any]])?.map { v in v.filter { $0.key != "cpu_ms" && !$0.key.hasPrefix("latency") } }
            try JSONSerialization.data(withJSONObject: card).write(to: URL(fileURLWithPath: path))
        }
        let (status, body, model) = try detect(d, "quality=eco")
        XCTAssertEqual(status, 200, "\(body)")
        XCTAssertEqual(model?["variant"] as? String, "teacher")
        let note = try XCTUnwrap(model?["constraint"] as? [String: Any])
        XCTAssertEqual(note["honoured"] as? Bool, false)
        XCTAssertTrue((note["reason"] as? String ?? "").contains("not governed"), "\(note)")
        await d.shutdown()
    }
}
