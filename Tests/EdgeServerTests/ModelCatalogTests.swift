@testable import EdgeServer
import Foundation
import XCTest

final class ModelCatalogTests: XCTestCase {
    func testLoadsFamiliesAndSkipsFoldersWithoutCard() throws {
        let tmp = try TempDir()
        let models = tmp.path("models")
        try Fixtures.writeFamily(in: models, "speech")
        try Fixtures.writeFamily(in: models, "match", variants: ["float"])
        try FileManager.default.createDirectory(atPath: "\(models)/demo", withIntermediateDirectories: true)
        let catalog = try ModelCatalog.load(directory: models)
        XCTAssertEqual(catalog.names, ["match", "speech"])
        XCTAssertEqual(catalog.skipped, ["demo"])
        let speech = try XCTUnwrap(catalog.families["speech"])
        XCTAssertEqual(speech.variants.map(\.name), ["teacher", "int8"])
        XCTAssertEqual(speech.card.variants[1].latencyMsP99, 0.2)
        // The sessions run: variant i multiplies by i + 1.
        let out = try speech.variants[1].session.run([try .init([1, 2] as [Float], shape: [1, 2])])
        XCTAssertEqual(try out[0].floatValues(), [2, 4])
    }

    func testBadFamiliesFailWithTheFileInTheMessage() throws {
        let cases: [(String, (String) throws -> Void, String)] = [
            ("missing file", { try Fixtures.writeFamily(in: $0, "f", writeFiles: false) }, "does not exist"),
            ("bad task", { try Fixtures.writeFamily(in: $0, "f", cardOverride: ["task": "poetry"]) }, "task must be one of"),
            ("name mismatch", { try Fixtures.writeFamily(in: $0, "f", cardOverride: ["family": "g"]) }, "does not match its directory"),
            ("no variants", { try Fixtures.writeFamily(in: $0, "f", cardOverride: ["variants": []]) }, "no variants"),
            ("traversal", { try Fixtures.writeFamily(in: $0, "f", cardOverride: ["variants": [["name": "x", "file": "../x.edge", "technique": "float"]]]) }, "plain file name"),
            ("duplicate", { try Fixtures.writeFamily(in: $0, "f", variants: ["a", "a"]) }, "listed twice"),
            ("auto name", { try Fixtures.writeFamily(in: $0, "f", variants: ["auto"]) }, "not 'auto'"),
            ("labels differ", { try Fixtures.writeFamily(in: $0, "f", cardOverride: ["labels": ["z"]]) }, "differ from the card"),
            ("negative figure", { try Fixtures.writeFamily(in: $0, "f", cardOverride: ["variants": [["name": "x", "file": "x.edge", "technique": "float", "accuracy": -1]]]) }, "accuracy must be"),
            ("missing key", { try Fixtures.writeFamily(in: $0, "f", cardOverride: ["metric": NSNull()]) }, "metric"),
            ("not JSON", { dir in
                try Fixtures.writeFamily(in: dir, "f")
                try "{ nope".write(toFile: "\(dir)/f/card.json", atomically: true, encoding: .utf8)
            }, "card.json"),
            ("corrupt model", { dir in
                try Fixtures.writeFamily(in: dir, "f")
                try Data("not a model".utf8).write(to: URL(fileURLWithPath: "\(dir)/f/int8.edge"))
            }, "int8.edge"),
        ]
        for (name, setup, expected) in cases {
            let tmp = try TempDir()
            let models = tmp.path("models")
            try setup(models)
            XCTAssertThrowsError(try ModelCatalog.load(directory: models), name) { error in
                XCTAssertTrue(error is CatalogError, name)
                XCTAssertTrue("\(error)".contains(expected), "\(name): \(error)")
            }
        }
        XCTAssertThrowsError(try ModelCatalog.load(directory: "/nonexistent/models")) {
            XCTAssertTrue("\($0)".contains("does not exist"))
        }
    }
}
