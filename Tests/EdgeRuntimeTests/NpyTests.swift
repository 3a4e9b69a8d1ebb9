import EdgeRuntime
import EdgeTestSupport
import XCTest

final class NpyTests: XCTestCase {
    func testRoundTripAllDtypes() throws {
        let tensors: [Tensor] = [
            try Tensor([1.5, -2, 3, 4, 5, 6] as [Float], shape: [2, 3]),
            try Tensor([1, -2, Int64.max] as [Int64], shape: [3]),
            try Tensor([7] as [Int32], shape: [1, 1, 1]),
            try Tensor([true, false] as [Bool], shape: [2]),
            Tensor(scalar: Float(3.25)),
            try Tensor([] as [Float], shape: [0, 4]),
        ]
        for t in tensors {
            let back = try Npy.decode(Npy.encode(t))
            XCTAssertEqual(back.dtype, t.dtype)
            XCTAssertEqual(back.shape, t.shape)
            XCTAssertEqual(Array(UnsafeRawBufferPointer(start: back.rawPointer, count: back.byteCount)),
                           Array(UnsafeRawBufferPointer(start: t.rawPointer, count: t.byteCount)))
        }
    }

    func testHeaderIsPaddedTo64Bytes() throws {
        let bytes = Npy.encode(try Tensor([1, 2] as [Float], shape: [2]))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        XCTAssertEqual(bytes[10 + headerLength - 1], UInt8(ascii: "\n"))
    }

    func testRejectsBadFiles() throws {
        let good = Npy.encode(try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]))
        let dataStart = 10 + (Int(good[8]) | Int(good[9]) << 8)
        let header = String(decoding: good[10..<dataStart], as: UTF8.self)
        func withHeader(_ h: String) -> [UInt8] {
            let padded = h.padding(toLength: dataStart - 10, withPad: " ", startingAt: 0)
            return Array(good[0..<10]) + Array(padded.utf8) + Array(good[dataStart...])
        }
        let bad: [(String, [UInt8])] = [
            ("empty", []),
            ("no magic", Array("hello world, this is not numpy".utf8)),
            ("truncated data", Array(good.dropLast(4))),
            ("fortran order", withHeader(header.replacingOccurrences(of: "False", with: "True "))),
            ("big endian", withHeader(header.replacingOccurrences(of: "<f4", with: ">f4"))),
            ("object dtype", withHeader(header.replacingOccurrences(of: "<f4", with: "|O8"))),
            ("negative dim", withHeader(header.replacingOccurrences(of: "(2, 2)", with: "(-2, 2)"))),
            ("overflowing shape", withHeader(header.replacingOccurrences(of: "(2, 2)", with: "(99999999999, 99999999999)"))),
            ("header past end", Array(good[0..<8]) + [0xff, 0xff] + Array(good[10..<20])),
        ]
        for (what, bytes) in bad {
            XCTAssertThrowsError(try Npy.decode(bytes), what) { XCTAssertTrue($0 is EdgeError, what) }
        }
    }

    func testFuzzedHeadersNeverCrash() throws {
        let good = Npy.encode(try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]))
        var rng = SeededRandom(seed: 3)
        for _ in 0..<3000 {
            var b = good
            for _ in 0..<(Int(rng.next() % 4) + 1) { b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? Npy.decode(b)
        }
    }
}
