import XCTest
import EdgeRuntime
import EdgeTestSupport

/// Y = alpha · op(A) · op(B) + beta · C, element by element from the ONNX Gemm spec.
func referenceGemm(_ a: Tensor, _ b: Tensor, _ c: Tensor?, transA: Bool, transB: Bool, alpha: Float, beta: Float) -> Tensor {
    let av = a.scalars(as: Float.self), bv = b.scalars(as: Float.self)
    let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
    let n = transB ? b.shape[0] : b.shape[1]
    var out = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s: Float = 0
            for p in 0..<k {
                let x = transA ? av[p * a.shape[1] + i] : av[i * a.shape[1] + p]
                let y = transB ? bv[j * b.shape[1] + p] : bv[p * b.shape[1] + j]
                s += x * y
            }
            var v = alpha * s
            if let c {
                let cs = [Int](repeating: 1, count: 2 - c.shape.count) + c.shape
                v += beta * c.scalars(as: Float.self)[(cs[0] == 1 ? 0 : i) * cs[1] + (cs[1] == 1 ? 0 : j)]
            }
            out[i * n + j] = v
        }
    }
    return try! Tensor(out, shape: [m, n])
}

final class GemmTests: XCTestCase {
    func testGemmVariants() throws {
        var rng = SeededRandom(seed: 3)
        var count = 0
        for (m, k, n) in [(5, 7, 9), (1, 16, 33), (40, 30, 20), (3, 1, 4), (64, 64, 64)] {
            for transA in [false, true] {
                for transB in [false, true] {
                    for cShape in [nil, [n], [1, n], [m, 1], [m, n], [1], []] as [[Int]?] {
                        for (alpha, beta) in [(Float(1), Float(1)), (0.5, 1), (1, 2), (-1.5, 0.25)] {
                            let a = rng.tensor(transA ? [k, m] : [m, k]), b = rng.tensor(transB ? [n, k] : [k, n])
                            let c = cShape.map { rng.tensor($0) }
                            let attrs: [String: Attribute] = ["transA": .int(transA ? 1 : 0), "transB": .int(transB ? 1 : 0),
                                                              "alpha": .float(alpha), "beta": .float(beta)]
                            let expected = referenceGemm(a, b, c, transA: transA, transB: transB, alpha: alpha, beta: beta)
                            let constB = count % 2 == 0
                            let y = try SingleNode.run("Gemm", [a, b, c], attributes: attrs, constants: constB ? [1, 2] : [],
                                                       threads: count % 3 == 0 ? 2 : 1)[0]
                            XCTAssertTrue(allClose(y, expected), "m\(m) k\(k) n\(n) tA\(transA) tB\(transB) C\(String(describing: cShape)) α\(alpha) β\(beta) constB \(constB): \(maxDifference(y, expected))")
                            count += 1
                        }
                    }
                }
            }
        }
    }

    func testFusedActivation() throws {
        var rng = SeededRandom(seed: 4)
        let a = rng.tensor([6, 10]), b = rng.tensor([10, 7]), c = rng.tensor([7])
        for (alpha, constB) in [(Float(1), true), (2, false), (2, true)] {
            let y = try SingleNode.run("Gemm", [a, b, c], attributes: ["alpha": .float(alpha), "activation": .string("Clip"),
                                                                      "activation_alpha": .float(-0.5), "activation_beta": .float(0.5)],
                                       constants: constB ? [1] : [])[0]
            let ref = referenceGemm(a, b, c, transA: false, transB: false, alpha: alpha, beta: 1)
            let expected = try Tensor(ref.scalars(as: Float.self).map { min(max($0, -0.5), 0.5) }, shape: ref.shape)
            XCTAssertTrue(allClose(y, expected))
        }
    }

    func testErrors() {
        var rng = SeededRandom(seed: 5)
        XCTAssertThrowsError(try SingleNode.run("Gemm", [rng.tensor([2, 3]), rng.tensor([4, 5])]))
        XCTAssertThrowsError(try SingleNode.run("Gemm", [rng.tensor([2, 3, 1]), rng.tensor([3, 5])]))
        XCTAssertThrowsError(try SingleNode.run("Gemm", [rng.tensor([2, 3]), rng.tensor([3, 5]), rng.tensor([3, 5])]))
        XCTAssertThrowsError(try SingleNode.run("Gemm", [rng.tensor([2, 3]), rng.tensor([3, 5]), rng.tensor([1, 2, 5])]))
    }
}
