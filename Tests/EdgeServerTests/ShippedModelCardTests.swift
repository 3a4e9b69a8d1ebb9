@testable import EdgeServer
import EdgeRuntime
import Foundation
import XCTest

/// The model families committed under `models/` agree with their cards: every variant file
/// exists and loads (through the same `ModelCatalog` the daemon uses), has the contract's
/// inputs and outputs for the family's task, and its size equals the card's `bytes`.
final class ShippedModelCardTests: XCTestCase {
    /// `models/` of this checkout (Tests/EdgeServerTests/<file> → repository root).
    static let modelsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models").path

    /// Per task: runtime inputs and outputs as (name, dtype, per-row shape); the batch dim is free.
    static let contracts: [String: (inputs: [(String, DType, [Int])], outputs: [(String, DType, [Int])])] = [
        "recommendation": ([("features", .float32, [15]), ("categorical", .int64, [8])], [("score", .float32, [1])]),
        "speech": ([("features", .float32, [1, 98, 40])], [("logits", .float32, [12])]),
        "detection": ([("image", .float32, [3, -1, -1])], [("heatmap", .float32, [5, -1, -1]), ("boxes", .float32, [4, -1, -1])]),
    ]

    func testCommittedCardsMatchTheirFiles() throws {
        let catalog = try ModelCatalog.load(directory: Self.modelsDirectory)
        XCTAssertTrue(catalog.names.contains("match-quality"), "models/match-quality is shipped: \(catalog.names)")
        for family in catalog.families.values {
            let contract = try XCTUnwrap(Self.contracts[family.card.task], family.name)
            let accuracies = family.card.variants.compactMap(\.accuracy)
            XCTAssertEqual(accuracies, accuracies.sorted(by: >), "\(family.name): variants must be listed most accurate first")
            for v in family.variants {
                let path = "\(family.directory)/\(v.card.file)"
                let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
                XCTAssertEqual(v.card.bytes, size, "\(path): card bytes")
                XCTAssertNotNil(v.card.accuracy, "\(path): card has no metric value")
                assertMatches(v.model.graph.runtimeInputs, contract.inputs, "\(path) inputs")
                assertMatches(v.model.graph.outputs, contract.outputs, "\(path) outputs")
            }
        }
    }

    /// The shipped rankers run on one rank request and give one finite score per candidate.
    func testMatchQualityVariantsScoreARequest() throws {
        let catalog = try ModelCatalog.load(directory: Self.modelsDirectory)
        let family = try XCTUnwrap(catalog.families["match-quality"])
        let rows = 16
        let features = try Tensor((0..<rows * 15).map { Float($0 % 7) / 7 - 0.5 }, shape: [rows, 15])
        let categorical = try Tensor((0..<rows * 8).map { Int64($0 % 5) }, shape: [rows, 8])
        for v in family.variants {
            let order = v.model.graph.runtimeInputs.map(\.name)
            let out = try v.session.run(order.map { $0 == "features" ? features : categorical })
            let scores = try out[0].floatValues()
            XCTAssertEqual(scores.count, rows, v.name)
            XCTAssertTrue(scores.allSatisfy(\.isFinite), v.name)
        }
    }

    private func assertMatches(_ infos: [ValueInfo], _ expected: [(String, DType, [Int])], _ what: String) {
        XCTAssertEqual(infos.map(\.name), expected.map(\.0), what)
        for (info, (name, dtype, dims)) in zip(infos, expected) {
            XCTAssertEqual(info.dtype, dtype, "\(what): \(name)")
            guard let shape = info.shape else { XCTFail("\(what): \(name) has no shape"); continue }
            XCTAssertEqual(shape.count, dims.count + 1, "\(what): \(name) rank")
            for (d, e) in zip(shape.dropFirst(), dims) where e >= 0 {
                XCTAssertEqual(d.value, e, "\(what): \(name) shape \(shape)")
            }
        }
    }
}
