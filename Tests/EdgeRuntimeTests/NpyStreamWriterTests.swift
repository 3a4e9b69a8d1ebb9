@testable import EdgeRuntime
import Foundation
import XCTest

final class NpyStreamWriterTests: XCTestCase {
    var path = ""

    override func setUp() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(getpid())-\(UUID().uuidString).npy").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + ".partial")
    }

    func testPiecesMakeTheSameFileAsEncode() throws {
        let values = (0..<24).map { Float($0) * 0.5 }
        let writer = try NpyStreamWriter(path: path, dtype: .float32, shape: [2, 3, 4])
        try writer.append(Array(values[0..<12]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "only complete files appear under the final name")
        try writer.append(Array(values[12...]))
        try writer.finish()
        let whole = Npy.encode(try Tensor(values, shape: [2, 3, 4]))
        XCTAssertEqual(Array(try XCTUnwrap(FileManager.default.contents(atPath: path))), whole)
        XCTAssertEqual(try Npy.read(path: path).scalars(as: Float.self), values)
    }

    func testTooMuchOrTooLittleDataIsAnError() throws {
        let writer = try NpyStreamWriter(path: path, dtype: .float32, shape: [3])
        try writer.append([1, 2])
        XCTAssertThrowsError(try writer.append([3, 4]))
        XCTAssertThrowsError(try writer.finish())
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertThrowsError(try NpyStreamWriter(path: "/nonexistent-dir/x.npy", dtype: .float32, shape: [1]))
    }

    func testSplitMix64ReferenceStream() {
        // First outputs for seed 0 of the reference SplitMix64 (Vigna's splitmix64.c).
        var g = SplitMix64(seed: 0)
        XCTAssertEqual(g.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(g.next(), 0x6E78_9E6A_A1B9_65F4)
    }
}
