import EdgeRuntime
import Foundation
import XCTest
@testable import EdgeGovernor

final class LadderLoaderTests: XCTestCase {
    private func card(_ family: String, task: String = "speech", variants: String) -> String {
        #"{"family": "\#(family)", "task": "\#(task)", "metric": "accuracy", "labels": ["a"], "variants": [\#(variants)]}"#
    }

    private let goodVariants = """
        {"name": "int8", "file": "int8.edge", "technique": "int8", "accuracy": 0.95, "bytes": 10, "macs": 5, "latency_ms_p50": 0.4, "latency_ms_p99": 0.6, "cpu_ms": 0.3},
        {"name": "teacher", "file": "teacher.edge", "technique": "float", "accuracy": 0.97, "bytes": 40, "macs": 20, "latency_ms_p50": 1.2, "latency_ms_p99": 1.6, "cpu_ms": 1.1}
        """

    func testReadsCardsFromAModelsDirectoryMostAccurateFirst() throws {
        let tree = try FakeTree()
        tree.write("models/speech-commands/card.json", card("speech-commands", variants: goodVariants))
        tree.write("models/ar-landmarks/card.json", card("ar-landmarks", task: "detection", variants: goodVariants))
        tree.write("models/demo/tiny.edge", "not a card directory")
        let ladders = try LadderLoader.modelsDirectory(tree.root + "/models")
        XCTAssertEqual(ladders.map(\.model), ["ar-landmarks", "speech-commands"])
        XCTAssertEqual(ladders[1].task, .speech)
        XCTAssertEqual(ladders[1].variants.map(\.name), ["teacher", "int8"])
        XCTAssertEqual(ladders[1].variants[1], Variant(name: "int8", accuracy: 0.95, cpuMs: 0.3, latencyMs: 0.4))
    }

    func testBadCardsGiveClearErrors() throws {
        let tree = try FakeTree()
        let cases: [(String, String)] = [
            (card("s", variants: #"{"name": "a", "accuracy": 0.9, "latency_ms_p50": 1}"#), "missing field \"cpu_ms\" at .variants[0]"),
            (card("s", variants: #"{"name": "a", "accuracy": "high", "cpu_ms": 1, "latency_ms": 1}"#), "wrong type at .variants[0].accuracy"),
            (card("s", task: "poetry", variants: goodVariants), "unknown task \"poetry\""),
            (card("s", variants: #"{"name": "a", "accuracy": 0.9, "cpu_ms": -1, "latency_ms": 1}"#), "variant a: cpu_ms = -1.0 must be a finite number ≥ 0"),
            (card("s", variants: #"{"name": "a", "accuracy": 1.9, "cpu_ms": 1, "latency_ms": 1}"#), "accuracy 1.9 must be in 0…1"),
            (card("s", variants: goodVariants + "," + goodVariants), "model s lists variant int8 twice"),
            (card("s", variants: ""), "model s has no variants"),
            ("{\"family\": ", "invalid JSON"),
        ]
        for (text, expected) in cases {
            tree.write("card.json", text)
            XCTAssertThrowsError(try LadderLoader.card(at: tree.root + "/card.json")) { error in
                XCTAssertEqual((error as! EdgeError).code, .invalidLadder)
                XCTAssertTrue((error as! EdgeError).message.contains(expected), "\(expected) ∉ \(error)")
            }
        }
        XCTAssertThrowsError(try LadderLoader.card(at: tree.root + "/missing.json")) {
            XCTAssertEqual(($0 as! EdgeError).code, .io)
        }
        tree.write("ladders.json", #"{"ladders": [\#(card("s", variants: goodVariants)), \#(card("s", variants: goodVariants))]}"#)
        XCTAssertThrowsError(try LadderLoader.ladderFile(at: tree.root + "/ladders.json")) {
            XCTAssertTrue(($0 as! EdgeError).message.contains("family s appears twice"))
        }
    }

    func testTheShippedExampleLadderFileLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Benchmarks/governor_replay/example_ladders.json").path
        let ladders = try LadderLoader.ladderFile(at: path)
        XCTAssertEqual(ladders.map(\.model), ["speech-commands", "ar-landmarks", "match-quality"])
        XCTAssertEqual(ladders.map(\.task), [.speech, .detection, .recommendation])
        XCTAssertTrue(ladders.allSatisfy { $0.variants.count >= 3 && $0.cheapestIndex == $0.variants.count - 1 })
    }
}
