import EdgeONNX
import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

private typealias B = ONNXModelBuilder

/// Opset translation: each test imports an old-opset node, checks the rewritten node, then
/// (once the runtime implements the op) runs it against a reference computed here from the
/// old opset's spec. Float tolerance: 1e-5 absolute (single elementwise ops).
final class ONNXImporterTests: XCTestCase {
    private func constant(_ g: Graph, _ node: Node, _ input: Int) throws -> Tensor {
        XCTAssertGreaterThan(node.inputs.count, input, "\(node.label) has no input #\(input)")
        return try XCTUnwrap(g.initializers[node.inputs[input]], "input #\(input) of \(node.label) is not a constant")
    }

    func testOpset6PadMovesPadsAndValueIntoInputs() throws {
        let pad = B.node("Pad", ["x"], ["y"], [B.ints("pads", [0, 0, 1, 0, 0, 0, 0, 2]), B.float("value", 5), B.string("mode", "constant")])
        let g = try B.importModel(B.model(opset: 6, nodes: [pad], inputs: [("x", .float32, [1, 1, 2, 2])], outputs: ["y"]), checkOperators: false)
        let node = try XCTUnwrap(g.nodes.first)
        XCTAssertNil(node.attributes["pads"])
        XCTAssertEqual(try constant(g, node, 1).scalars(as: Int64.self), [0, 0, 1, 0, 0, 0, 0, 2])
        XCTAssertEqual(try constant(g, node, 2).scalars(as: Float.self), [5])

        try B.requireOps(["Pad"])
        let y = try B.run(g, ["x": try Tensor([Float(1), 2, 3, 4], shape: [1, 1, 2, 2])])
        XCTAssertEqual(y.shape, [1, 1, 3, 4])
        XCTAssertEqual(y.scalars(as: Float.self), [5, 5, 5, 5, 1, 2, 5, 5, 3, 4, 5, 5])
    }

    func testOpset6ClipAttributesBecomeInputsAndOpset11InputsStay() throws {
        let old = B.node("Clip", ["x"], ["y"], [B.float("min", -0.5), B.float("max", 0.25)])
        let g6 = try B.importModel(B.model(opset: 6, nodes: [old], inputs: [("x", .float32, [4])], outputs: ["y"]), checkOperators: false)
        XCTAssertEqual(try constant(g6, g6.nodes[0], 1).scalars(as: Float.self), [-0.5])
        XCTAssertEqual(try constant(g6, g6.nodes[0], 2).scalars(as: Float.self), [0.25])

        let new = B.node("Clip", ["x", "lo", ""], ["y"])
        let g11 = try B.importModel(B.model(opset: 11, nodes: [new], inputs: [("x", .float32, [4])], outputs: ["y"],
                                            initializers: [B.floatTensor("lo", [-0.5], [])]), checkOperators: false)
        XCTAssertEqual(g11.nodes[0].inputs, ["x", "lo", ""])

        try B.requireOps(["Clip"])
        let x = try Tensor([Float(-2), -0.25, 0.1, 3], shape: [4])
        XCTAssertEqual(try B.run(g6, ["x": x]).scalars(as: Float.self), [-0.5, -0.25, 0.1, 0.25])
        XCTAssertEqual(try B.run(g11, ["x": x]).scalars(as: Float.self), [-0.5, -0.25, 0.1, 3])
    }

    func testOpset12SqueezeAndUnsqueezeAxesBecomeInputs() throws {
        let sq = B.node("Squeeze", ["x"], ["s"], [B.ints("axes", [0, 2])])
        let unsq = B.node("Unsqueeze", ["s"], ["y"], [B.ints("axes", [-1])])
        let g = try B.importModel(B.model(opset: 12, nodes: [sq, unsq], inputs: [("x", .float32, [1, 3, 1, 2])], outputs: ["y"]), checkOperators: false)
        XCTAssertEqual(try constant(g, g.nodes[0], 1).scalars(as: Int64.self), [0, 2])
        XCTAssertEqual(try constant(g, g.nodes[1], 1).scalars(as: Int64.self), [-1])

        try B.requireOps(["Squeeze", "Unsqueeze"])
        let y = try B.run(g, ["x": randomTensor(seed: 1, [1, 3, 1, 2])])
        XCTAssertEqual(y.shape, [3, 2, 1])
    }

    func testUpsampleBecomesAsymmetricFloorResize() throws {
        let up9 = B.node("Upsample", ["x", "scales"], ["y"], [B.string("mode", "nearest")])
        let g9 = try B.importModel(B.model(opset: 9, nodes: [up9], inputs: [("x", .float32, [1, 1, 2, 2])], outputs: ["y"],
                                           initializers: [B.floatTensor("scales", [1, 1, 2, 3], [4])]), checkOperators: false)
        let up7 = B.node("Upsample", ["x"], ["y"], [B.floats("scales", [1, 1, 2, 3])])
        let g7 = try B.importModel(B.model(opset: 7, nodes: [up7], inputs: [("x", .float32, [1, 1, 2, 2])], outputs: ["y"]), checkOperators: false)
        for g in [g9, g7] {
            let r = g.nodes[0]
            XCTAssertEqual(r.op, "Resize")
            XCTAssertEqual(r.inputs.count, 3)
            XCTAssertEqual(r.inputs[1], "")
            XCTAssertEqual(try r.attributes.string("coordinate_transformation_mode"), "asymmetric")
            XCTAssertEqual(try r.attributes.string("nearest_mode"), "floor")
            XCTAssertEqual(try constant(g, r, 2).scalars(as: Float.self), [1, 1, 2, 3])
        }

        try B.requireOps(["Resize"])
        let x = try Tensor([Float(1), 2, 3, 4], shape: [1, 1, 2, 2])
        // Upsample nearest: y[i][j] = x[floor(i / 2)][floor(j / 3)].
        var expected: [Float] = []
        for i in 0..<4 { for j in 0..<6 { expected.append(x.scalars(as: Float.self)[(i / 2) * 2 + j / 3]) } }
        for g in [g9, g7] {
            let y = try B.run(g, ["x": x])
            XCTAssertEqual(y.shape, [1, 1, 4, 6])
            XCTAssertEqual(y.scalars(as: Float.self), expected)
        }
    }

    func testLegacySoftmaxFlattensTo2DAtAxis() throws {
        let sm = B.node("Softmax", ["x"], ["y"]) // opset < 13, default axis 1
        let g = try B.importModel(B.model(opset: 11, nodes: [sm], inputs: [("x", .float32, [2, 3, 4])], outputs: ["y"]), checkOperators: false)
        XCTAssertEqual(try g.nodes[0].attributes.int("coerce_2d"), 1)
        XCTAssertEqual(try g.nodes[0].attributes.int("axis"), 1)
        let g13 = try B.importModel(B.model(opset: 13, nodes: [sm], inputs: [("x", .float32, [2, 3, 4])], outputs: ["y"]), checkOperators: false)
        XCTAssertNil(g13.nodes[0].attributes["coerce_2d"])
        // At the last axis of a known rank, legacy and current semantics agree.
        let last = try B.importModel(B.model(opset: 11, nodes: [sm], inputs: [("x", .float32, [2, 3])], outputs: ["y"]), checkOperators: false)
        XCTAssertNil(last.nodes[0].attributes["coerce_2d"])

        try B.requireOps(["Softmax"])
        let x = randomTensor(seed: 2, [2, 3, 4], -3, 3)
        let y = try B.run(g, ["x": x])
        // Legacy semantics: each batch row of 12 values is one softmax.
        let v = x.scalars(as: Float.self)
        var expected: [Float] = []
        for b in 0..<2 {
            let row = v[(b * 12)..<(b * 12 + 12)]
            let m = row.max()!
            let sum = row.reduce(0) { $0 + exp($1 - m) }
            expected += row.map { exp($0 - m) / sum }
        }
        XCTAssertTrue(allClose(y, try Tensor(expected, shape: [2, 3, 4]), rtol: 1e-5, atol: 1e-6))
    }

    func testOpset6AddWithBroadcastAxisAlignsSecondOperand() throws {
        let add = B.node("Add", ["a", "b"], ["y"], [B.int("broadcast", 1), B.int("axis", 1)])
        let g = try B.importModel(B.model(opset: 6, nodes: [add], inputs: [("a", .float32, [2, 3, 4]), ("b", .float32, [3])], outputs: ["y"]), checkOperators: false)
        XCTAssertEqual(g.nodes.map(\.op), ["Unsqueeze", "Add"])
        XCTAssertEqual(try constant(g, g.nodes[0], 1).scalars(as: Int64.self), [1])
        XCTAssertNil(g.nodes[1].attributes["broadcast"])

        try B.requireOps(["Unsqueeze", "Add"])
        var rng = SeededRandom(seed: 3)
        let a = rng.tensor([2, 3, 4]), b = rng.tensor([3])
        let y = try B.run(g, ["a": a, "b": b])
        let av = a.scalars(as: Float.self), bv = b.scalars(as: Float.self)
        let expected = (0..<24).map { av[$0] + bv[($0 / 4) % 3] }
        XCTAssertTrue(allClose(y, try Tensor(expected, shape: [2, 3, 4]), atol: 1e-6))
    }

    func testLegacyBroadcastSeesConstantsDefinedLater() throws {
        var bias = B.floatTensor("", [1, 2, 3], [3])
        bias.name = ""
        let nodes = [B.node("Add", ["a", "b"], ["y"], [B.int("broadcast", 1), B.int("axis", 1)]),
                     B.node("Constant", [], ["b"], [B.tensorAttribute("value", bias)])]
        let g = try B.importModel(B.model(opset: 6, nodes: nodes, inputs: [("a", .float32, [1, 3, 2])], outputs: ["y"]), checkOperators: false)
        XCTAssertEqual(g.nodes.map(\.op), ["Unsqueeze", "Add"])
    }

    func testOpset6BroadcastAxisOnValueOfUnknownRankUsesShapeNodes() throws {
        let relu = B.node("Relu", ["a"], ["r"])
        let mul = B.node("Mul", ["r", "b"], ["y"], [B.int("broadcast", 1), B.int("axis", 0)])
        let g = try B.importModel(B.model(opset: 6, nodes: [relu, mul], inputs: [("a", .float32, [2, 3]), ("b", .float32, [2])], outputs: ["y"]), checkOperators: false)
        XCTAssertEqual(g.nodes.last?.op, "Mul")
        XCTAssertTrue(g.nodes.contains { $0.op == "Reshape" && $0.inputs[0] == "b" })

        try B.requireOps(["Shape", "ConstantOfShape", "Concat", "Reshape", "Mul", "Relu"])
        var rng = SeededRandom(seed: 4)
        let a = rng.tensor([2, 3]), b = rng.tensor([2])
        let y = try B.run(g, ["a": a, "b": b])
        let av = a.scalars(as: Float.self), bv = b.scalars(as: Float.self)
        XCTAssertTrue(allClose(y, try Tensor((0..<6).map { max(av[$0], 0) * bv[$0 / 3] }, shape: [2, 3]), atol: 1e-6))
    }

    func testOpset6PReluSlopeIsPerChannel() throws {
        let prelu = B.node("PRelu", ["x", "slope"], ["y"])
        let model = B.model(opset: 6, nodes: [prelu], inputs: [("x", .float32, [1, 2, 3])], outputs: ["y"],
                            initializers: [B.floatTensor("slope", [0.5, -2], [2])])
        let g = try B.importModel(model, checkOperators: false)
        XCTAssertEqual(g.nodes.map(\.op), ["Unsqueeze", "PRelu"])
        let g7 = try B.importModel(B.model(opset: 7, nodes: [prelu], inputs: [("x", .float32, [1, 2, 2])], outputs: ["y"],
                                           initializers: [B.floatTensor("slope", [0.5, -2], [2])]), checkOperators: false)
        XCTAssertEqual(g7.nodes.map(\.op), ["PRelu"])

        try B.requireOps(["Unsqueeze", "PRelu"])
        let y = try B.run(g, ["x": try Tensor([Float(-1), 2, -3, -1, 2, -3], shape: [1, 2, 3])])
        XCTAssertEqual(y.scalars(as: Float.self), [-0.5, 2, -1.5, 2, 2, 6])
    }

    func testSplitSliceReduceAndTopKAttributesBecomeInputs() throws {
        let split = B.node("Split", ["x"], ["s0", "s1"], [B.int("axis", 1), B.ints("split", [1, 3])])
        let even = B.node("Split", ["x"], ["e0", "e1"], [B.int("axis", 1)])
        let slice = B.node("Slice", ["x"], ["sl"], [B.ints("starts", [1]), B.ints("ends", [3]), B.ints("axes", [1])])
        let mean = B.node("ReduceMean", ["x"], ["m"], [B.ints("axes", [1]), B.int("keepdims", 0)])
        let sum = B.node("ReduceSum", ["x"], ["s"], [B.ints("axes", [0])])
        let topk = B.node("TopK", ["x"], ["tv", "ti"], [B.int("k", 2)])
        let g = try B.importModel(B.model(opset: 9, nodes: [split, even, slice, mean, sum, topk], inputs: [("x", .float32, [2, 4])],
                                          outputs: ["s0", "e1", "sl", "m", "s", "tv"]), checkOperators: false)
        XCTAssertEqual(try constant(g, g.nodes[0], 1).scalars(as: Int64.self), [1, 3])
        XCTAssertNil(g.nodes[0].attributes["num_outputs"])
        XCTAssertEqual(try g.nodes[1].attributes.int("num_outputs"), 2)
        XCTAssertEqual(try (1...3).map { try constant(g, g.nodes[2], $0).scalars(as: Int64.self) }, [[1], [3], [1]])
        XCTAssertEqual(try constant(g, g.nodes[3], 1).scalars(as: Int64.self), [1])
        XCTAssertEqual(try constant(g, g.nodes[4], 1).scalars(as: Int64.self), [0])
        XCTAssertEqual(try constant(g, g.nodes[5], 1).scalars(as: Int64.self), [2])
        XCTAssertEqual(try g.nodes[3].attributes.int("keepdims"), 0)
    }

    func testLegacyAttributesAreDroppedAndRenamedOpsTranslated() throws {
        let bn = B.node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv"],
                        [B.int("is_test", 1), B.int("spatial", 1), B.ints("consumed_inputs", [0, 0, 0, 1, 1]), B.float("epsilon", 1e-3)])
        let drop = B.node("Dropout", ["y"], ["d", "mask"], [B.float("ratio", 0.5), B.int("is_test", 1)])
        let gemm = B.node("Gemm", ["d", "w", "c"], ["g"], [B.int("broadcast", 1), B.int("transB", 1)])
        let cast = B.node("Cast", ["g"], ["out"], [B.string("to", "DOUBLE")])
        let scatter = B.node("Scatter", ["x", "idx", "x"], ["sc"], [B.int("axis", 1)])
        let params = ["s", "b", "m", "v"].map { B.floatTensor($0, [1, 1], [2]) }
        let g = try B.importModel(B.model(opset: 6, nodes: [bn, drop, gemm, cast, scatter], inputs: [("x", .float32, [1, 2])], outputs: ["out", "sc"],
                                          initializers: params + [B.floatTensor("w", [1, 2, 3, 4], [2, 2]), B.floatTensor("c", [0, 0], [2]),
                                                                  B.floatTensor("idx", [0, 1], [1, 2])]),
                                  checkOperators: false)
        XCTAssertEqual(g.nodes.map(\.op), ["BatchNormalization", "Identity", "Gemm", "Cast", "ScatterElements"])
        XCTAssertEqual(Set(g.nodes[0].attributes.values.keys), ["epsilon"])
        XCTAssertEqual(g.nodes[0].outputs, ["y"])
        XCTAssertEqual(g.nodes[1].inputs, ["y"])
        XCTAssertEqual(g.nodes[1].outputs, ["d"])
        XCTAssertEqual(Set(g.nodes[2].attributes.values.keys), ["transB"])
        XCTAssertEqual(try g.nodes[3].attributes.int("to"), Int(DType.float64.rawValue))
    }

    func testConstantNodesAndInputInitializersBecomeConstants() throws {
        var valueTensor = B.floatTensor("", [1, 2], [2])
        valueTensor.name = ""
        let nodes = [
            B.node("Constant", [], ["c0"], [B.tensorAttribute("value", valueTensor)]),
            B.node("Constant", [], ["c1"], [B.float("value_float", 2.5)]),
            B.node("Constant", [], ["c2"], [B.floats("value_floats", [1, 2, 3])]),
            B.node("Constant", [], ["c3"], [B.int("value_int", 7)]),
            B.node("Constant", [], ["c4"], [B.ints("value_ints", [4, 5])]),
            B.node("Add", ["x", "w"], ["y"]),
        ]
        // IR 3 style: the weight is listed as a graph input and as an initializer.
        let g = try B.importModel(B.model(opset: 9, nodes: nodes, inputs: [("x", .float32, [2]), ("w", .float32, [2])], outputs: ["y"],
                                          initializers: [B.floatTensor("w", [3, 4], [2])], irVersion: 3))
        XCTAssertEqual(g.inputs.map(\.name), ["x"])
        XCTAssertEqual(g.nodes.map(\.op), ["Add"])
        XCTAssertEqual(g.initializers["c0"]?.scalars(as: Float.self), [1, 2])
        XCTAssertEqual(g.initializers["c1"]?.shape, [])
        XCTAssertEqual(g.initializers["c1"]?.scalars(as: Float.self), [2.5])
        XCTAssertEqual(g.initializers["c2"]?.scalars(as: Float.self), [1, 2, 3])
        XCTAssertEqual(g.initializers["c3"]?.scalars(as: Int64.self), [7])
        XCTAssertEqual(g.initializers["c4"]?.scalars(as: Int64.self), [4, 5])
        XCTAssertEqual(try B.run(g, ["x": try Tensor([Float(1), 1], shape: [2])]).scalars(as: Float.self), [4, 5])
    }

    func testValueInfosKeepDtypeAndSymbolicDims() throws {
        var model = B.model(opset: 13, nodes: [B.node("Relu", ["x"], ["y"])], inputs: [("x", .float32, [1, 3])], outputs: ["y"])
        model.graph.input[0].type.tensorType.shape.dim[0].dimParam = "batch"
        let g = try B.importModel(model)
        XCTAssertEqual(g.inputs[0].dtype, .float32)
        XCTAssertEqual(g.inputs[0].shape, [.symbolic("batch"), .fixed(3)])
        let y = try B.run(g, ["x": try Tensor([Float(-1), 0, 2, -3, 4, 5], shape: [2, 3])])
        XCTAssertEqual(y.scalars(as: Float.self), [0, 0, 2, 0, 4, 5])
    }

    func testUnsupportedOperatorsAreNamedInOneError() throws {
        let nodes = [B.node("FancyOp", ["x"], ["a"], name: "first"), B.node("OtherOp", ["a"], ["b"], name: "second"),
                     B.node("FancyOp", ["b"], ["y"], name: "third")]
        let error = assertEdgeError("unsupported ops") {
            _ = try B.importModel(B.model(opset: 13, nodes: nodes, inputs: [("x", .float32, [1])], outputs: ["y"]))
        }
        XCTAssertEqual(error?.code, .unsupportedOperator)
        for word in ["FancyOp", "OtherOp", "first", "second", "third"] {
            XCTAssertTrue(error?.message.contains(word) ?? false, "message should name \(word): \(error?.message ?? "")")
        }
    }
}

/// A reproducible random tensor with values in [lo, hi).
private func randomTensor(seed: UInt64, _ shape: [Int], _ lo: Float = -1, _ hi: Float = 1) -> Tensor {
    var rng = SeededRandom(seed: seed)
    return rng.tensor(shape, lo, hi)
}
