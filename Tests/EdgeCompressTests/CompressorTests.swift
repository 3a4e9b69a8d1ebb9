@testable import EdgeCompress
import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

final class CompressorTests: XCTestCase {
    private var dir: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("edge-compress-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    private func writeOriginal() throws -> (Model, String) {
        let model = Model(graph: try TestModels.cnn(), metadata: ModelMetadata(name: "cnn", labels: (0..<10).map { "c\($0)" }))
        let p = path("cnn.edge")
        try ModelFile.write(model, to: p)
        return (model, p)
    }

    func testRecipeWritesModelReportsAndMetadata() throws {
        let (model, input) = try writeOriginal()
        // Flat eval layout: x_0.npy, x_1.npy, x_2.npy.
        let evalDir = path("eval")
        try FileManager.default.createDirectory(atPath: evalDir, withIntermediateDirectories: true)
        var rng = SeededRandom(seed: 41)
        for i in 0..<3 { try Npy.write(rng.tensor([1, 3, 12, 12]), path: "\(evalDir)/x_\(i).npy") }
        var options = Compressor.Options()
        options.evalDirectory = evalDir
        options.runs = 3
        let out = path("cnn-small.edge")
        let report = try Compressor.run(model, inputPath: input, outputPath: out,
                                        steps: [.channelPrune(ratio: 0.25, norm: .l1), .prune(sparsity: 0.7, scope: .layer)], options: options)
        XCTAssertEqual(report.method, "channel-prune+prune")
        XCTAssertLessThan(report.compressed.parameters, report.original.parameters)
        XCTAssertLessThan(report.compressed.nonzeroParameters, report.compressed.parameters / 2)
        XCTAssertLessThan(report.compressed.sizeBytes, report.original.sizeBytes)
        XCTAssertLessThan(report.compressed.macs, report.original.macs)
        XCTAssertEqual(report.agreement?.samples, 3)
        XCTAssertNotNil(report.agreement?.top1Agreement)
        let cos = try XCTUnwrap(report.agreement?.cosineSimilarity)
        XCTAssertTrue(cos > -1 && cos <= 1 + 1e-9)
        let (json, md) = CompressionReport.paths(for: out)
        XCTAssertEqual(json, path("cnn-small.report.json"))
        let decoded = try JSONDecoder().decode(CompressionReport.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        XCTAssertEqual(decoded, report)
        XCTAssertTrue(try String(contentsOfFile: md, encoding: .utf8).contains("| bytes on disk |"))
        let written = try ModelFile.load(path: out)
        let v = written.metadata.variant
        XCTAssertEqual(v.method, "channel-prune+prune")
        XCTAssertEqual(v.parent, "float")
        XCTAssertEqual(v.level, 1)
        XCTAssertEqual(v.parameters["prune.sparsity"], "0.7")
        XCTAssertEqual(v.parameters["channel-prune.ratio"], "0.25")
        XCTAssertEqual(written.metadata.measured.sizeBytes, Compressor.fileSize(out))
        XCTAssertEqual(written.metadata.measured.accuracy["cosine_similarity"], report.agreement?.cosineSimilarity)
        XCTAssertNotNil(written.metadata.measured.latencyP50Ms)
        XCTAssertEqual(written.metadata.labels, model.metadata.labels)
        // The written (csr-encoded) model runs and gives what the in-memory result gives.
        let x = rng.tensor([1, 3, 12, 12])
        let (g, _) = try Compressor.compress(model.graph, steps: [.channelPrune(ratio: 0.25, norm: .l1), .prune(sparsity: 0.7, scope: .layer)])
        let a = try TestModels.run(written.graph, ["x": x])["logits"]!, b = try TestModels.run(g, ["x": x])["logits"]!
        XCTAssertEqual(a.scalars(as: Float.self), b.scalars(as: Float.self))
    }

    func testEvalDirectoryLayoutsAndErrors() throws {
        var rng = SeededRandom(seed: 42)
        // Sub-directory layout, numeric order.
        for s in ["2", "10", "1"] {
            try FileManager.default.createDirectory(atPath: path("sub/\(s)"), withIntermediateDirectories: true)
            try Npy.write(rng.tensor([1, 2]), path: path("sub/\(s)/in_a.npy"))
            try Npy.write(rng.tensor([1, 2]), path: path("sub/\(s)/b.npy"))
        }
        let set = try EvalSet(directory: path("sub"), inputs: ["in_a", "b"])
        XCTAssertEqual(set.samples.map(\.name), ["1", "2", "10"])
        // Flat layout with an input name containing '_'.
        try FileManager.default.createDirectory(atPath: path("flat"), withIntermediateDirectories: true)
        try Npy.write(rng.tensor([1]), path: path("flat/in_a_0.npy"))
        try Npy.write(rng.tensor([1]), path: path("flat/b_0.npy"))
        XCTAssertEqual(try EvalSet(directory: path("flat"), inputs: ["in_a", "b"]).samples.count, 1)
        func expectError(_ d: String, _ text: String, line: UInt = #line) {
            XCTAssertThrowsError(try EvalSet(directory: d, inputs: ["in_a", "b"]), line: line) { e in
                XCTAssertEqual((e as? EdgeError)?.code, .invalidInput, line: line)
                XCTAssertTrue((e as? EdgeError)?.message.contains(text) ?? false, "\(e)", line: line)
            }
        }
        try FileManager.default.createDirectory(atPath: path("empty"), withIntermediateDirectories: true)
        expectError(path("empty"), "holds no samples")
        expectError(path("missing"), "is not a directory")
        try Npy.write(rng.tensor([1]), path: path("flat/in_a_1.npy"))
        expectError(path("flat"), "sample '1' has no file for input 'b'")
    }
}
