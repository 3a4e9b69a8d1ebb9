import XCTest
import EdgeRuntime
import EdgeTestSupport

/// QDQMul: DequantizeLinear · DequantizeLinear → QuantizeLinear becomes one QMul step, bit-identical
/// to the unfused graph, with broadcasting (squeeze-excitation [1,C,H,W] · [1,C,1,1]).
final class QuantizedMulTests: XCTestCase {
    /// a (`aShape`, `aType`) · b (`bShape`, `bType`) → y (`yType`), all per-tensor.
    private func graph(_ aShape: [Int], _ bShape: [Int], _ aType: DType, _ bType: DType, _ yType: DType) throws -> Graph {
        func zero(_ t: DType, _ v: Int) throws -> Tensor {
            t == .uint8 ? Tensor(scalar: UInt8(v)) : Tensor(scalar: Int8(truncatingIfNeeded: v - 128))
        }
        var g = Graph(name: "qmul")
        g.inputs = [ValueInfo(name: "a", dtype: aType, shape: aShape.map { .fixed($0) }),
                    ValueInfo(name: "b", dtype: bType, shape: bShape.map { .fixed($0) })]
        g.initializers = ["a_s": Tensor(scalar: Float(0.043)), "a_z": try zero(aType, 120), "b_s": Tensor(scalar: Float(0.0039)),
                          "b_z": try zero(bType, 0), "y_s": Tensor(scalar: Float(0.021)), "y_z": try zero(yType, 140)]
        g.nodes = [
            Node(name: "dqa", op: "DequantizeLinear", inputs: ["a", "a_s", "a_z"], outputs: ["af"]),
            Node(name: "dqb", op: "DequantizeLinear", inputs: ["b", "b_s", "b_z"], outputs: ["bf"]),
            Node(name: "mul", op: "Mul", inputs: ["af", "bf"], outputs: ["yf"]),
            Node(name: "q", op: "QuantizeLinear", inputs: ["yf", "y_s", "y_z"], outputs: ["y"]),
        ]
        g.outputs = [ValueInfo(name: "y", dtype: yType, shape: nil)]
        return g
    }

    private func random(_ shape: [Int], _ dtype: DType, seed: UInt64) throws -> Tensor {
        var s = seed
        let bytes = (0..<shape.reduce(1, *)).map { _ -> UInt8 in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: s >> 33)
        }
        return dtype == .uint8 ? try Tensor(bytes, shape: shape) : try Tensor(bytes.map { Int8(bitPattern: $0) }, shape: shape)
    }

    func testQMulIsExactWithBroadcasting() throws {
        let shapes: [([Int], [Int])] = [([1, 6, 9, 11], [1, 6, 1, 1]), ([2, 3, 5, 7], [2, 3, 5, 7]), ([1, 1, 40, 45], [45]), ([3, 1], [1, 4])]
        var seed: UInt64 = 1
        for (aShape, bShape) in shapes {
            for (aType, bType, yType) in [(DType.uint8, DType.uint8, DType.uint8), (.int8, .uint8, .int8), (.uint8, .int8, .uint8)] {
                let g = try graph(aShape, bShape, aType, bType, yType)
                let a = try random(aShape, aType, seed: seed), b = try random(bShape, bType, seed: seed + 100)
                seed += 1
                let fused = try InferenceSession(graph: g)
                XCTAssertEqual(try fused.plan(for: [a, b]).stepOps, ["QMul"])
                let got = try fused.run([a, b])[0]
                let want = try InferenceSession(graph: g, options: SessionOptions(optimize: false)).run([a, b])[0]
                XCTAssertEqual(got.shape, want.shape)
                XCTAssertEqual(got.dtype, yType)
                XCTAssertEqual(QDQLookupGraph.bytes(got), QDQLookupGraph.bytes(want), "\(aShape)·\(bShape) \(aType) \(bType) \(yType)")
            }
        }
    }

    func testQuantizedHardSwishBecomesLookupAndMul() throws {
        // ONNX Runtime's HardSwish: Q(DQ(x) · DQ(Q(HardSigmoid(DQ(x))))).
        var g = try QDQLookupGraph.make(op: "HardSigmoid", attributes: ["alpha": .float(1.0 / 6), "beta": .float(0.5)])
        g.nodes += [
            Node(name: "dq2", op: "DequantizeLinear", inputs: ["y", "y_s", "y_z"], outputs: ["hf"]),
            Node(name: "mul", op: "Mul", inputs: ["xf", "hf"], outputs: ["m"]),
            Node(name: "q2", op: "QuantizeLinear", inputs: ["m", "x_s", "x_z"], outputs: ["out"]),
        ]
        g.outputs = [ValueInfo(name: "out", dtype: .uint8, shape: nil)]
        let x = try QDQLookupGraph.input(.uint8, seed: 11)
        // The saved/exported form; sessions compose the two into one lookup (QuantizedLookupCompositionTests).
        XCTAssertEqual(try GraphOptimizer.optimize(g).nodes.map(\.op), ["QLookup", "QMul"])
        let fused = try InferenceSession(graph: g)
        XCTAssertEqual(try fused.plan(for: [x]).stepOps, ["QLookup"])
        let want = try InferenceSession(graph: g, options: SessionOptions(optimize: false)).run([x])[0]
        XCTAssertEqual(QDQLookupGraph.bytes(try fused.run([x])[0]), QDQLookupGraph.bytes(want))
    }

    func testRunTimeScaleStaysFloat() throws {
        var g = try graph([2, 3], [2, 3], .uint8, .uint8, .uint8)
        g.initializers["b_s"] = nil
        g.inputs.append(ValueInfo(name: "b_s", dtype: .float32, shape: []))
        let a = try random([2, 3], .uint8, seed: 1), b = try random([2, 3], .uint8, seed: 2)
        let ops = try InferenceSession(graph: g).plan(for: [a, b, Tensor(scalar: Float(0.01))]).stepOps
        XCTAssertTrue(ops.contains("Mul") && !ops.contains("QMul"), "\(ops)")
    }
}
