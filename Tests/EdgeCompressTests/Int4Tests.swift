@testable import EdgeCompress
import EdgeRuntime
import EdgeTestSupport
import XCTest

/// Weight-only int4 (`--method int4`): group error bound, execution on the int4 kernels
/// (MatMulNBits, GatherBlockQuantized), agreement and size.
final class Int4Tests: XCTestCase {
    func testGroupErrorIsHalfAStepOfItsGroup() {
        var rng = SeededRandom(seed: 81)
        let rows = 3, cols = 80, group = 32 // 80 = 2 full groups + a partial one
        let w: [Float] = (0..<rows * cols).map { i in rng.float() * (i % cols < 32 ? 0.01 : 2) }
        let q = Int4Matrix(w, rows: rows, columns: cols, group: group)
        XCTAssertEqual(q.scales.count, rows * 3)
        let dq = q.dequantized
        for r in 0..<rows {
            for b in 0..<3 {
                let range = (r * cols + b * group)..<(r * cols + min((b + 1) * group, cols))
                let s = w[range].map(abs).max()! / 7
                XCTAssertEqual(q.scales[r * 3 + b], s, accuracy: s * 1e-6)
                for i in range { XCTAssertLessThanOrEqual(abs(dq[i] - w[i]), s / 2 * 1.0001, "row \(r) group \(b)") }
            }
        }
        XCTAssertTrue(q.values.allSatisfy { $0 >= -8 && $0 <= 7 })
        // Packed nibbles: u = q + 8, even element in the low nibble.
        let bytes = q.packed.scalars(as: UInt8.self)
        XCTAssertEqual(q.packed.shape, [3, 3, 16])
        XCTAssertEqual(Int(bytes[0] & 0x0F) - 8, Int(q.values[0]))
        XCTAssertEqual(Int(bytes[0] >> 4) - 8, Int(q.values[1]))
    }

    /// ids[4, 2] → Gather(table [50, 64]) → Reshape [4, 128]; features [4, 128] → Add → Gemm (128→256,
    /// transB) + Relu → MatMul (256→64) → y.
    static func ranker(seed: UInt64 = 82) -> Graph {
        var rng = SeededRandom(seed: seed)
        var g = Graph(name: "ranker")
        g.inputs = [ValueInfo(name: "ids", dtype: .int64, shape: [.fixed(4), .fixed(2)]),
                    ValueInfo(name: "features", dtype: .float32, shape: [.fixed(4), .fixed(128)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["table"] = rng.tensor([50, 64])
        g.initializers["shape"] = try! Tensor([Int64(4), 128], shape: [2])
        g.initializers["w1"] = rng.tensor([256, 128], -0.2, 0.2); g.initializers["b1"] = rng.tensor([256])
        g.initializers["w2"] = rng.tensor([256, 64], -0.2, 0.2)
        g.nodes = [
            Node(name: "embed", op: "Gather", inputs: ["table", "ids"], outputs: ["e"]),
            Node(name: "flat", op: "Reshape", inputs: ["e", "shape"], outputs: ["ef"]),
            Node(name: "sum", op: "Add", inputs: ["ef", "features"], outputs: ["h0"]),
            Node(name: "fc1", op: "Gemm", inputs: ["h0", "w1", "b1"], outputs: ["h1"], attributes: ["transB": .int(1)]),
            Node(name: "relu", op: "Relu", inputs: ["h1"], outputs: ["r1"]),
            Node(name: "fc2", op: "MatMul", inputs: ["r1", "w2"], outputs: ["y"]),
        ]
        return g
    }

    static func feeds(seed: UInt64) -> [String: Tensor] {
        var rng = SeededRandom(seed: seed)
        let ids = (0..<8).map { _ in Int64(rng.next() % 50) }
        return ["ids": try! Tensor(ids, shape: [4, 2]), "features": rng.tensor([4, 128])]
    }

    func testInt4ModelRunsOnInt4KernelsAndAgrees() throws {
        let float = try GraphOptimizer.optimize(Self.ranker())
        let result = try Int4Quantization.apply(float, group: 32)
        XCTAssertEqual(result.changes.filter(\.changed).map(\.node).sorted(), ["embed", "fc1", "fc2"], "\(result.changes)")
        let session = try InferenceSession(graph: result.graph)
        let feeds = Self.feeds(seed: 83)
        let ops = try session.plan(for: [feeds["ids"]!, feeds["features"]!]).stepOps
        XCTAssertEqual(ops.filter { $0 == "MatMulNBits" }.count, 2, "\(ops)")
        XCTAssertTrue(ops.contains("GatherBlockQuantized") && !ops.contains("Gemm") && !ops.contains("MatMul"), "\(ops)")
        let eval = EvalSet(samples: (0..<8).map { ("\($0)", Self.feeds(seed: 90 + UInt64($0))) })
        let a = try Agreement.measure(original: try InferenceSession(graph: float), compressed: session, on: eval)
        XCTAssertGreaterThanOrEqual(a.cosineSimilarity, 0.98, "\(a)")
        XCTAssertGreaterThanOrEqual(a.top1Agreement ?? 0, 0.75, "\(a)")
        // Int4 path equals the float graph run on the dequantized weights (up to float reassociation).
        var reference = float
        let q1 = Int4Matrix(try float.initializers["w1"]!.floatValues(), rows: 256, columns: 128, group: 32)
        reference.initializers["w1"] = try Tensor(q1.dequantized, shape: [256, 128])
        let w2 = try float.initializers["w2"]!.floatValues()
        let w2t: [Float] = (0..<64 * 256).map { (i: Int) -> Float in w2[(i % 256) * 64 + i / 256] }
        let q2 = Int4Matrix(w2t, rows: 64, columns: 256, group: 32).dequantized
        let q2t: [Float] = (0..<256 * 64).map { (i: Int) -> Float in q2[(i % 64) * 256 + i / 64] }
        reference.initializers["w2"] = try Tensor(q2t, shape: [256, 64])
        reference.initializers["table"] = try Tensor(Int4Matrix(try float.initializers["table"]!.floatValues(), rows: 50, columns: 64, group: 32).dequantized, shape: [50, 64])
        let want = try InferenceSession(graph: reference).run(feeds)["y"]!, got = try session.run(feeds)["y"]!
        XCTAssertLessThanOrEqual(maxDifference(got, want).abs, 1e-4 * (try want.floatValues().map(abs).max()! + 1))
    }

    func testInt4FileIsAtMostSixteenPercentOfFloat() throws {
        var rng = SeededRandom(seed: 84)
        var g = Graph(name: "wide")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(512)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["w"] = rng.tensor([512, 512]); g.initializers["w2"] = rng.tensor([512, 256])
        g.nodes = [Node(name: "a", op: "MatMul", inputs: ["x", "w"], outputs: ["h"]), Node(name: "b", op: "MatMul", inputs: ["h", "w2"], outputs: ["y"])]
        let q = try Int4Quantization.apply(g, group: 32).graph
        let before = try ModelFile.encode(Model(graph: g, metadata: ModelMetadata(name: "w"))).count
        let after = try ModelFile.encode(Model(graph: q, metadata: ModelMetadata(name: "w"))).count
        XCTAssertLessThanOrEqual(Double(after) / Double(before), 0.16, "\(after) / \(before)")
    }

    func testBadInt4NodesFailCleanly() throws {
        let q = try Int4Quantization.apply(try GraphOptimizer.optimize(Self.ranker()), group: 32).graph
        let feeds = Self.feeds(seed: 85)
        func fails(_ edit: (inout Graph) -> Void, _ expected: String) {
            var g = q
            edit(&g)
            do {
                _ = try InferenceSession(graph: g).run(feeds)
                XCTFail("expected failure: \(expected)")
            } catch {
                XCTAssertTrue(error.message.contains(expected), error.message)
            }
        }
        let i = q.nodes.firstIndex { $0.op == "MatMulNBits" }!
        fails({ $0.nodes[i].attributes["block_size"] = .int(24) }, "block_size must be a power of two")
        fails({ $0.nodes[i].attributes["bits"] = .int(3) }, "only bits = 4")
        fails({ $0.nodes[i].attributes["K"] = .int(64) }, "must end in K = 64")
        fails({ g in g.initializers[g.nodes[i].inputs[2]] = try! Tensor([Float](repeating: 1, count: 3), shape: [3]) }, "scales must be float32")
        // Out-of-range ids give zero rows (as Gather), never a crash.
        var bad = feeds
        bad["ids"] = try Tensor([Int64(-1), 49, 50, 1_000_000, 0, 1, 2, 3], shape: [4, 2])
        let out = try InferenceSession(graph: q).run(bad)["y"]!
        XCTAssertTrue(try out.floatValues().allSatisfy(\.isFinite))
    }
}
