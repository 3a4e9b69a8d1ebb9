@testable import EdgeCompress
import EdgeTestSupport
import XCTest

final class SVDTests: XCTestCase {
    private func random(_ rows: Int, _ cols: Int, seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed)
        return (0..<rows * cols).map { _ in Double(rng.float()) }
    }

    /// max |A − U Σ Vᵀ| / max |A|, max |UᵀU − I|, max |VᵀV − I|.
    private func check(_ a: [Double], _ rows: Int, _ cols: Int, file: StaticString = #filePath, line: UInt = #line) {
        let s = SVD(rowMajor: a, rows: rows, cols: cols)
        let r = min(rows, cols)
        XCTAssertEqual(s.sigma.count, r, file: file, line: line)
        XCTAssertEqual(s.sigma, s.sigma.sorted(by: >), "σ must be descending", file: file, line: line)
        XCTAssertTrue(s.sigma.allSatisfy { $0 >= 0 }, file: file, line: line)
        var err = 0.0
        let scale = a.map(abs).max() ?? 1
        for i in 0..<rows {
            for j in 0..<cols {
                let v = (0..<r).reduce(0.0) { $0 + s.u(i, $1) * s.sigma[$1] * s.v(j, $1) }
                err = max(err, abs(v - a[i * cols + j]))
            }
        }
        XCTAssertLessThan(err / max(scale, 1e-300), 1e-12, "\(rows)×\(cols) reconstruction", file: file, line: line)
        for (vecs, n) in [(s.u(_:_:), rows), (s.v(_:_:), cols)] as [((Int, Int) -> Double, Int)] {
            for p in 0..<r {
                for q in 0..<r {
                    let dot = (0..<n).reduce(0.0) { $0 + vecs($1, p) * vecs($1, q) }
                    XCTAssertEqual(dot, p == q ? 1 : 0, accuracy: 1e-12, "\(rows)×\(cols) orthogonality (\(p), \(q))", file: file, line: line)
                }
            }
        }
    }

    func testReconstructsAndIsOrthogonal() {
        for (rows, cols) in [(1, 1), (5, 3), (3, 5), (16, 16), (40, 12), (7, 29), (1, 9)] {
            check(random(rows, cols, seed: UInt64(rows * 100 + cols)), rows, cols)
        }
    }

    func testKnownSingularValues() {
        // diag(3, -2, 1) permuted: σ = 3, 2, 1.
        let a: [Double] = [0, -2, 0,
                           0, 0, 1,
                           3, 0, 0]
        let s = SVD(rowMajor: a, rows: 3, cols: 3)
        XCTAssertEqual(s.sigma[0], 3, accuracy: 1e-14)
        XCTAssertEqual(s.sigma[1], 2, accuracy: 1e-14)
        XCTAssertEqual(s.sigma[2], 1, accuracy: 1e-14)
        // Rank-1 outer product: one nonzero σ = ‖x‖·‖y‖.
        let x: [Double] = [1, 2, 3, 4], y: [Double] = [2, -1, 0.5]
        let outer = x.flatMap { xi in y.map { xi * $0 } }
        let r1 = SVD(rowMajor: outer, rows: 4, cols: 3)
        XCTAssertEqual(r1.sigma[0], (30.0).squareRoot() * (5.25).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(r1.sigma[1], 0, accuracy: 1e-12)
        XCTAssertEqual(r1.sigma[2], 0, accuracy: 1e-12)
    }

    func testEckartYoungTruncationError() {
        // ‖A − A_r‖_F² = Σ_{i ≥ r} σ_i².
        let rows = 20, cols = 14
        let a = random(rows, cols, seed: 5)
        let s = SVD(rowMajor: a, rows: rows, cols: cols)
        for r in [1, 4, 10] {
            var err = 0.0
            for i in 0..<rows {
                for j in 0..<cols {
                    let v = (0..<r).reduce(0.0) { $0 + s.u(i, $1) * s.sigma[$1] * s.v(j, $1) }
                    err += (a[i * cols + j] - v) * (a[i * cols + j] - v)
                }
            }
            let discarded = s.sigma[r...].reduce(0) { $0 + $1 * $1 }
            XCTAssertEqual(err, discarded, accuracy: 1e-10 * max(discarded, 1))
        }
    }
}
