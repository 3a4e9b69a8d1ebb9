import XCTest
import EdgeRuntime
import EdgeTestSupport

/// QLookupComposition (execution-only): QMul(x, QLookup(x)) — HardSwish as ONNX Runtime quantizes it —
/// and QLookup(QLookup(x)) become one QLookup of x, bit-identical to the uncomposed graph, while
/// `GraphOptimizer.optimize` (what is saved and exported) keeps the exportable QLookup + QMul.
final class QuantizedLookupCompositionTests: XCTestCase {
    /// DQ(x) · DQ(Q(HardSigmoid(DQ(x)))) → Q, x and y of `xType` / `yType`.
    private func hardSwish(_ xType: DType, _ yType: DType) throws -> Graph {
        var g = try QDQLookupGraph.make(op: "HardSigmoid", attributes: ["alpha": .float(1.0 / 6), "beta": .float(0.5)],
                                        xType: xType, yType: .uint8)
        g.initializers["o_s"] = Tensor(scalar: Float(0.019))
        g.initializers["o_z"] = yType == .uint8 ? Tensor(scalar: UInt8(40)) : Tensor(scalar: Int8(-7))
        g.nodes += [
            Node(name: "dq2", op: "DequantizeLinear", inputs: ["y", "y_s", "y_z"], outputs: ["hf"]),
            Node(name: "mul", op: "Mul", inputs: ["xf", "hf"], outputs: ["m"]),
            Node(name: "q2", op: "QuantizeLinear", inputs: ["m", "o_s", "o_z"], outputs: ["out"]),
        ]
        g.outputs = [ValueInfo(name: "out", dtype: yType, shape: nil)]
        return g
    }

    func testHardSwishBecomesOneExactLookup() throws {
        for (xType, yType) in [(DType.uint8, DType.uint8), (.int8, .uint8), (.uint8, .int8), (.int8, .int8)] {
            let g = try hardSwish(xType, yType)
            let x = try QDQLookupGraph.input(xType, seed: 21) // every byte value, then random ones
            XCTAssertEqual(try GraphOptimizer.optimize(g).nodes.map(\.op), ["QLookup", "QMul"], "persisted form stays exportable")
            let session = try InferenceSession(graph: g)
            XCTAssertEqual(try session.plan(for: [x]).stepOps, ["QLookup"], "\(xType) → \(yType)")
            XCTAssertEqual(session.graph.nodes.first?.inputs.count, 2)
            let want = try InferenceSession(graph: g, options: SessionOptions(optimize: false)).run([x])[0]
            let got = try session.run([x])[0]
            XCTAssertEqual(got.dtype, yType)
            XCTAssertEqual(QDQLookupGraph.bytes(got), QDQLookupGraph.bytes(want), "\(xType) → \(yType)")
        }
    }

    func testSquareAndChainedLookupsCompose() throws {
        // QMul(x, x) (both operands the source itself), then a Sigmoid lookup of that product.
        var g = Graph(name: "square-sigmoid")
        g.inputs = [ValueInfo(name: "x", dtype: .uint8, shape: QDQLookupGraph.inputShape.map { .fixed($0) })]
        g.initializers = ["s": Tensor(scalar: Float(0.03)), "z": Tensor(scalar: UInt8(128)),
                          "ps": Tensor(scalar: Float(0.02)), "pz": Tensor(scalar: UInt8(10)),
                          "os": Tensor(scalar: Float(1.0 / 255)), "oz": Tensor(scalar: UInt8(0))]
        g.nodes = [
            Node(name: "dq", op: "DequantizeLinear", inputs: ["x", "s", "z"], outputs: ["xf"]),
            Node(name: "sq", op: "Mul", inputs: ["xf", "xf"], outputs: ["p"]),
            Node(name: "q", op: "QuantizeLinear", inputs: ["p", "ps", "pz"], outputs: ["pq"]),
            Node(name: "dq2", op: "DequantizeLinear", inputs: ["pq", "ps", "pz"], outputs: ["pf"]),
            Node(name: "sig", op: "Sigmoid", inputs: ["pf"], outputs: ["sf"]),
            Node(name: "q2", op: "QuantizeLinear", inputs: ["sf", "os", "oz"], outputs: ["y"]),
        ]
        g.outputs = [ValueInfo(name: "y", dtype: .uint8, shape: nil)]
        let x = try QDQLookupGraph.input(.uint8, seed: 5)
        let session = try InferenceSession(graph: g)
        XCTAssertEqual(try session.plan(for: [x]).stepOps, ["QLookup"])
        let want = try InferenceSession(graph: g, options: SessionOptions(optimize: false)).run([x])[0]
        XCTAssertEqual(QDQLookupGraph.bytes(try session.run([x])[0]), QDQLookupGraph.bytes(want))
    }

    func testProductOfTwoTensorsIsNotComposed() throws {
        // QMul(a, QLookup(b)) with a ≠ b depends on two tensors: it must stay a QMul.
        var g = try hardSwish(.uint8, .uint8)
        g.inputs.append(ValueInfo(name: "a", dtype: .uint8, shape: QDQLookupGraph.inputShape.map { .fixed($0) }))
        g.nodes.append(Node(name: "dqa", op: "DequantizeLinear", inputs: ["a", "x_s", "x_z"], outputs: ["af"]))
        g.nodes[g.nodes.firstIndex { $0.name == "mul" }!].inputs = ["af", "hf"]
        let x = try QDQLookupGraph.input(.uint8, seed: 1), a = try QDQLookupGraph.input(.uint8, seed: 2)
        let session = try InferenceSession(graph: g)
        XCTAssertEqual(try session.plan(for: [x, a]).stepOps, ["QLookup", "QMul"])
        let want = try InferenceSession(graph: g, options: SessionOptions(optimize: false)).run([x, a])[0]
        XCTAssertEqual(QDQLookupGraph.bytes(try session.run([x, a])[0]), QDQLookupGraph.bytes(want))
    }
}
