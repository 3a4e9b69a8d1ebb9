import EdgeMatch
import EdgeRuntime
import Foundation
import XCTest

final class MatchDatasetTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("md-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func sample() throws -> MatchDataset {
        var d = MatchDataset()
        let p = try makePlayer("p")
        d.append(player: p, candidate: try makePlayer("a", skill: 1510), good: true, group: 0)
        d.append(player: p, candidate: try makePlayer("b", skill: 2400, region: .asia), good: false, group: 0)
        return d
    }

    func testWriteLoadRoundTrip() throws {
        let d = try sample()
        try d.write(to: dir)
        XCTAssertEqual(try MatchDataset.load(from: dir), d)
        XCTAssertEqual(try Npy.read(path: dir + "/features.npy").shape, [2, 15])
        XCTAssertEqual(try Npy.read(path: dir + "/categorical.npy").dtype, .int64)
    }

    func testBadDataIsRefused() throws {
        assertEdgeError(.invalidInput, "is empty") { try MatchDataset().validate() }
        var nan = try sample()
        nan.features[3] = .nan
        assertEdgeError(.invalidInput, "candidate_skill of row 0") { try nan.validate() }
        var label = try sample()
        label.labels[1] = 0.5
        assertEdgeError(.invalidInput, "not 0 or 1") { try label.validate() }
        var vocab = try sample()
        vocab.categorical[10] = 99
        assertEdgeError(.invalidInput, "region_pair of row 1") { try vocab.validate() }
        var oneClass = try sample()
        oneClass.labels = [1, 1]
        assertEdgeError(.invalidInput, "both classes") { try oneClass.validate() }
        var ragged = try sample()
        ragged.groups.removeLast()
        assertEdgeError(.invalidInput, "groups") { try ragged.validate() }
        assertEdgeError(.invalidInput, "is empty") { try MatchDataset().write(to: self.dir) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/labels.npy"), "nothing written for bad data")
    }

    func testLoadChecksDTypesAndFiles() throws {
        try sample().write(to: dir)
        try Npy.write(Tensor([1, 0] as [Int64], shape: [2]), path: dir + "/labels.npy")
        assertEdgeError(.invalidInput, "labels.npy") { _ = try MatchDataset.load(from: self.dir) }
        try FileManager.default.removeItem(atPath: dir + "/groups.npy")
        assertEdgeError(.io, "groups.npy") {
            try Npy.write(Tensor([1, 0] as [Float], shape: [2]), path: self.dir + "/labels.npy")
            _ = try MatchDataset.load(from: self.dir)
        }
    }
}
