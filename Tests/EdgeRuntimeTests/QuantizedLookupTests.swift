import XCTest
import EdgeRuntime
import EdgeTestSupport

/// QDQLookup: DequantizeLinear → unary float op → QuantizeLinear becomes one QLookup step whose
/// output is bit-identical to the unfused graph's (the table is computed by the same kernels).
final class QuantizedLookupTests: XCTestCase {
    /// (op, attributes, constant extra inputs)
    static let cases: [(String, [String: Attribute], [Tensor?])] = [
        ("HardSigmoid", ["alpha": .float(1.0 / 6), "beta": .float(0.5)], []),
        ("Sigmoid", [:], []),
        ("Tanh", [:], []),
        ("HardSwish", [:], []),
        ("Relu", [:], []),
        ("LeakyRelu", ["alpha": .float(0.1)], []),
        ("Clip", [:], [Tensor(scalar: Float(-0.7)), Tensor(scalar: Float(1.3))]),
        ("Clip", [:], [nil, Tensor(scalar: Float(0.4))]),
        ("Exp", [:], []),
    ]

    func testLookupIsExactForEveryOpAndType() throws {
        var checked = 0
        for (op, attributes, extra) in Self.cases {
            for (xType, yType) in [(DType.uint8, DType.uint8), (.int8, .int8), (.uint8, .int8), (.int8, .uint8)] {
                let graph = try QDQLookupGraph.make(op: op, attributes: attributes, extra: extra, xType: xType, yType: yType)
                let fused = try InferenceSession(graph: graph)
                let unfused = try InferenceSession(graph: graph, options: SessionOptions(optimize: false))
                let x = try QDQLookupGraph.input(xType, seed: UInt64(checked + 1))
                XCTAssertEqual(try fused.plan(for: [x]).stepOps, ["QLookup"], "\(op) \(xType)→\(yType)")
                let a = try fused.run([x])[0], b = try unfused.run([x])[0]
                XCTAssertEqual(a.dtype, yType)
                XCTAssertEqual(a.shape, QDQLookupGraph.inputShape)
                XCTAssertEqual(QDQLookupGraph.bytes(a), QDQLookupGraph.bytes(b), "\(op) \(xType)→\(yType)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, Self.cases.count * 4)
    }

    func testPerAxisParametersStayFloat() throws {
        let graph = try QDQLookupGraph.make(op: "Sigmoid", perAxis: true)
        let x = try QDQLookupGraph.input(.uint8, seed: 5)
        let ops = try InferenceSession(graph: graph).plan(for: [x]).stepOps
        XCTAssertEqual(ops, ["DequantizeLinear", "Sigmoid", "QuantizeLinear"])
    }

    func testSharedDequantizeIsKeptForItsOtherReader() throws {
        // HardSwish as ONNX Runtime quantizes it: x · Q(HardSigmoid(DQ(x))), DQ(x) read twice.
        var graph = try QDQLookupGraph.make(op: "HardSigmoid", attributes: ["alpha": .float(1.0 / 6), "beta": .float(0.5)])
        graph.nodes += [
            Node(name: "dq2", op: "DequantizeLinear", inputs: ["y", "y_s", "y_z"], outputs: ["hf"]),
            Node(name: "mul", op: "Mul", inputs: ["xf", "hf"], outputs: ["m"]),
        ]
        graph.outputs = [ValueInfo(name: "m", dtype: .float32, shape: nil)]
        let x = try QDQLookupGraph.input(.uint8, seed: 7)
        let fused = try InferenceSession(graph: graph)
        let ops = try fused.plan(for: [x]).stepOps
        XCTAssertTrue(ops.contains("QLookup") && !ops.contains("HardSigmoid"), "\(ops)")
        XCTAssertEqual(ops.filter { $0 == "DequantizeLinear" }.count, 2, "\(ops)")
        let unfused = try InferenceSession(graph: graph, options: SessionOptions(optimize: false))
        XCTAssertEqual(try fused.run([x])[0].floatValues(), try unfused.run([x])[0].floatValues())
    }

    func testMalformedLookupNodeIsRejected() throws {
        var graph = Graph(name: "bad")
        graph.inputs = [ValueInfo(name: "x", dtype: .uint8, shape: [.fixed(4)])]
        graph.initializers["t"] = try Tensor([UInt8](repeating: 1, count: 100), shape: [100])
        graph.nodes = [Node(name: "l", op: "QLookup", inputs: ["x", "t"], outputs: ["y"])]
        graph.outputs = [ValueInfo(name: "y", dtype: .uint8, shape: nil)]
        XCTAssertThrowsError(try InferenceSession(graph: graph).run([try Tensor([UInt8](repeating: 0, count: 4), shape: [4])])) { error in
            XCTAssertTrue("\(error)".contains("256"), "\(error)")
        }
    }
}
