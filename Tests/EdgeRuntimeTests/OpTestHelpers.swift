import XCTest
import EdgeRuntime
import EdgeTestSupport

/// Naive N-d helpers for the op references: plain row-major index arithmetic.
enum Ref {
    /// Every multi-index of `shape` in row-major order.
    static func indices(_ shape: [Int]) -> [[Int]] {
        let n = shape.reduce(1, *)
        guard n > 0 else { return [] }
        var result: [[Int]] = []
        result.reserveCapacity(n)
        var idx = [Int](repeating: 0, count: shape.count)
        for _ in 0..<n {
            result.append(idx)
            var d = shape.count - 1
            while d >= 0 {
                idx[d] += 1
                if idx[d] < shape[d] { break }
                idx[d] = 0
                d -= 1
            }
        }
        return result
    }

    /// Row-major flat position of `idx` in `shape`.
    static func flat(_ idx: [Int], _ shape: [Int]) -> Int {
        var f = 0
        for (i, s) in zip(idx, shape) { f = f * s + i }
        return f
    }

    /// Reads element `idx` (broadcast: size-1 dims of a lower-rank shape are aligned right).
    static func broadcastFlat(_ idx: [Int], _ shape: [Int]) -> Int {
        let off = idx.count - shape.count
        var f = 0
        for (d, s) in shape.enumerated() { f = f * s + (s == 1 ? 0 : idx[d + off]) }
        return f
    }
}

/// Distinct float values (position-coded) so data-movement mistakes are visible.
func iota(_ shape: [Int], start: Float = 0) -> Tensor {
    let n = shape.reduce(1, *)
    return try! Tensor((0..<n).map { start + Float($0) }, shape: shape)
}

func int64s(_ v: [Int]) -> Tensor { try! Tensor(v.map { Int64($0) }, shape: [v.count]) }

/// Asserts that `body` throws an `EdgeError` (optionally with `code`); never a crash.
func assertEdgeError(_ code: EdgeError.Code? = nil, file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected an EdgeError", file: file, line: line)
    } catch let e as EdgeError {
        if let code { XCTAssertEqual(e.code, code, "\(e)", file: file, line: line) }
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}
