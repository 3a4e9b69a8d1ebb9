import XCTest
import EdgeRuntime
import EdgeTestSupport

/// Reshape family, Shape/Size, Constant, ConstantOfShape, Concat, Split, and compile-time
/// folding of a Shape→Gather→Unsqueeze→Concat→Reshape chain.
final class ShapeOpsTests: XCTestCase {
    private func reshape(_ shape: [Int], _ target: [Int], allowZero: Bool = false) throws -> Tensor {
        try SingleNode.run("Reshape", [iota(shape), int64s(target)], attributes: allowZero ? ["allowzero": .int(1)] : [:], constants: [1])[0]
    }

    func testReshapeZeroAndMinusOne() throws {
        XCTAssertEqual(try reshape([2, 3, 4], [0, -1]).shape, [2, 12])
        XCTAssertEqual(try reshape([2, 3, 4], [-1]).shape, [24])
        XCTAssertEqual(try reshape([2, 3, 4], [4, 0, 2]).shape, [4, 3, 2])
        XCTAssertEqual(try reshape([2, 0, 4], [0, 0, 4]).shape, [2, 0, 4])
        // -1 next to a zero-sized dimension is ambiguous (numpy rejects it too).
        assertEdgeError(.invalidGraph) { _ = try self.reshape([2, 0, 4], [0, 0, -1]) }
        XCTAssertEqual(try reshape([0, 4], [0, 2], allowZero: true).shape, [0, 2])
        XCTAssertEqual(try reshape([2, 3], [3, 2]).scalars(as: Float.self), (0..<6).map(Float.init))
        assertEdgeError(.invalidGraph) { _ = try self.reshape([2, 3], [-1, -1]) }
        assertEdgeError(.invalidGraph) { _ = try self.reshape([2, 3], [4, -1]) }
        assertEdgeError(.invalidGraph) { _ = try self.reshape([2, 3], [5]) }
        assertEdgeError(.invalidGraph) { _ = try self.reshape([2, 3], [0, 0, 0]) }
        assertEdgeError(.invalidGraph) { _ = try self.reshape([2, 3], [-2, 3]) }
        assertEdgeError(.invalidGraph) { _ = try self.reshape([0, 3], [0, -1], allowZero: true) }
        assertEdgeError(.unsupported) { _ = try SingleNode.run("Reshape", [iota([2]), int64s([2])]) }
    }

    func testFlattenSqueezeUnsqueezeIdentity() throws {
        let x = iota([2, 1, 3, 1])
        func run(_ op: String, _ inputs: [Tensor?], _ attrs: [String: Attribute] = [:], _ c: Set<Int> = [1]) throws -> Tensor {
            try SingleNode.run(op, inputs, attributes: attrs, constants: c)[0]
        }
        XCTAssertEqual(try run("Flatten", [x], [:], []).shape, [2, 3])
        XCTAssertEqual(try run("Flatten", [x], ["axis": .int(0)], []).shape, [1, 6])
        XCTAssertEqual(try run("Flatten", [x], ["axis": .int(-1)], []).shape, [6, 1])
        XCTAssertEqual(try run("Flatten", [x], ["axis": .int(4)], []).shape, [6, 1])
        XCTAssertEqual(try run("Squeeze", [x], [:], []).shape, [2, 3])
        XCTAssertEqual(try run("Squeeze", [x, int64s([-1])]).shape, [2, 1, 3])
        XCTAssertEqual(try run("Unsqueeze", [x, int64s([0, -1])]).shape, [1, 2, 1, 3, 1, 1])
        XCTAssertEqual(try run("Unsqueeze", [Tensor(scalar: Float(3)), int64s([0])]).shape, [1])
        let id = try run("Identity", [x], [:], [])
        XCTAssertEqual(id.shape, x.shape)
        XCTAssertEqual(id.scalars(as: Float.self), x.scalars(as: Float.self))
        assertEdgeError(.invalidGraph) { _ = try run("Squeeze", [x, int64s([0])]) }
        assertEdgeError(.invalidGraph) { _ = try run("Unsqueeze", [x, int64s([7])]) }
        assertEdgeError(.invalidGraph) { _ = try run("Unsqueeze", [x, int64s([1, 1])]) }
        assertEdgeError(.invalidGraph) { _ = try run("Flatten", [x], ["axis": .int(5)], []) }
    }

    func testShapeAndSize() throws {
        let x = iota([2, 3, 4, 5])
        func shape(_ attrs: [String: Attribute]) throws -> [Int64] {
            try SingleNode.run("Shape", [x], attributes: attrs)[0].scalars(as: Int64.self)
        }
        XCTAssertEqual(try shape([:]), [2, 3, 4, 5])
        XCTAssertEqual(try shape(["start": .int(1)]), [3, 4, 5])
        XCTAssertEqual(try shape(["start": .int(-2), "end": .int(100)]), [4, 5])
        XCTAssertEqual(try shape(["start": .int(-100), "end": .int(-3)]), [2])
        XCTAssertEqual(try shape(["start": .int(3), "end": .int(1)]), [])
        let size = try SingleNode.run("Size", [x])[0]
        XCTAssertEqual(size.shape, [])
        XCTAssertEqual(size.scalars(as: Int64.self), [120])
    }

    func testConstantAndConstantOfShape() throws {
        let t = try Tensor([Int32(4), 5, 6], shape: [3, 1])
        XCTAssertEqual(try SingleNode.run("Constant", [], attributes: ["value": .tensor(t)])[0].scalars(as: Int32.self), [4, 5, 6])
        XCTAssertEqual(try SingleNode.run("Constant", [], attributes: ["value_float": .float(2.5)])[0].scalars(as: Float.self), [2.5])
        XCTAssertEqual(try SingleNode.run("Constant", [], attributes: ["value_floats": .floats([1, 2])])[0].shape, [2])
        XCTAssertEqual(try SingleNode.run("Constant", [], attributes: ["value_int": .int(-3)])[0].scalars(as: Int64.self), [-3])
        XCTAssertEqual(try SingleNode.run("Constant", [], attributes: ["value_ints": .ints([7, 8])])[0].scalars(as: Int64.self), [7, 8])
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Constant", []) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Constant", [], attributes: ["value_int": .int(1), "value_float": .float(1)]) }
        assertEdgeError(.unsupported) { _ = try SingleNode.run("Constant", [], attributes: ["value_string": .string("a")]) }

        let zeros = try SingleNode.run("ConstantOfShape", [int64s([2, 3])], constants: [0])[0]
        XCTAssertEqual(zeros.shape, [2, 3])
        XCTAssertEqual(zeros.scalars(as: Float.self), [Float](repeating: 0, count: 6))
        let sevens = try SingleNode.run("ConstantOfShape", [int64s([4])], attributes: ["value": .tensor(try Tensor([Int64(7)], shape: [1]))], constants: [0])[0]
        XCTAssertEqual(sevens.scalars(as: Int64.self), [7, 7, 7, 7])
        let empty = try SingleNode.run("ConstantOfShape", [int64s([0, 2])], constants: [0])[0]
        XCTAssertEqual(empty.shape, [0, 2])
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("ConstantOfShape", [int64s([-1])], constants: [0]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("ConstantOfShape", [int64s([2])], attributes: ["value": .tensor(iota([2]))], constants: [0]) }
    }

    func testConcatMatchesReference() throws {
        for axis in [0, 1, 2, -1] {
            let a = iota([2, 3, 2]), b = iota([2, 3, 2], start: 100)
            var shapeC = [2, 3, 2]
            shapeC[axis < 0 ? axis + 3 : axis] = 1
            let c = iota(shapeC, start: 1000)
            let y = try SingleNode.run("Concat", [a, b, c], attributes: ["axis": .int(axis)])[0]
            let ax = axis < 0 ? axis + 3 : axis
            var expected: [Float] = []
            for idx in Ref.indices(y.shape) {
                var i = idx
                for t in [a, b, c] {
                    let n = t.shape[ax]
                    if i[ax] < n { expected.append(t.scalars(as: Float.self)[Ref.flat(i, t.shape)]); break }
                    i[ax] -= n
                }
            }
            XCTAssertEqual(y.scalars(as: Float.self), expected, "axis \(axis)")
        }
        let e = try SingleNode.run("Concat", [iota([2, 0]), iota([2, 3])], attributes: ["axis": .int(1)])[0]
        XCTAssertEqual(e.scalars(as: Float.self), iota([2, 3]).scalars(as: Float.self))
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Concat", [iota([2, 3]), iota([3, 3])], attributes: ["axis": .int(1)]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Concat", [iota([2, 3]), int64s([1, 2])], attributes: ["axis": .int(0)]) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Concat", [iota([2, 3])], attributes: ["axis": .int(2)]) }
    }

    func testSplitVariants() throws {
        let x = iota([2, 7])
        let parts = try SingleNode.run("Split", [x, int64s([2, 5])], attributes: ["axis": .int(1)], constants: [1], outputs: 2)
        XCTAssertEqual(parts[0].scalars(as: Float.self), [0, 1, 7, 8])
        XCTAssertEqual(parts[1].shape, [2, 5])
        XCTAssertEqual(parts[1].scalars(as: Float.self), [2, 3, 4, 5, 6, 9, 10, 11, 12, 13])
        let uneven = try SingleNode.run("Split", [x], attributes: ["axis": .int(-1), "num_outputs": .int(3)], outputs: 3)
        XCTAssertEqual(uneven.map(\.shape), [[2, 3], [2, 3], [2, 1]])
        XCTAssertEqual(uneven[2].scalars(as: Float.self), [6, 13])
        let equal = try SingleNode.run("Split", [x], outputs: 2)
        XCTAssertEqual(equal.map { $0.scalars(as: Float.self) }, [Array(0..<7).map(Float.init), Array(7..<14).map(Float.init)])
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Split", [x], attributes: ["axis": .int(1)], outputs: 2) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Split", [x, int64s([3, 3])], attributes: ["axis": .int(1)], constants: [1], outputs: 2) }
        assertEdgeError(.invalidGraph) { _ = try SingleNode.run("Split", [x, int64s([7])], attributes: ["axis": .int(1)], constants: [1], outputs: 2) }
    }

    /// Shape→Gather→Unsqueeze→Concat→Reshape must fold away at compile time and reshape right.
    func testShapeChainFoldsAway() throws {
        var g = Graph(name: "chain")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(2), .fixed(3), .fixed(4)])]
        g.initializers = ["zero": Tensor(scalar: Int64(0)), "axes0": int64s([0]), "minus1": int64s([-1])]
        g.nodes = [
            Node(name: "relu", op: "Relu", inputs: ["x"], outputs: ["r"]),
            Node(name: "shape", op: "Shape", inputs: ["r"], outputs: ["s"]),
            Node(name: "gather", op: "Gather", inputs: ["s", "zero"], outputs: ["batch"]),
            Node(name: "unsq", op: "Unsqueeze", inputs: ["batch", "axes0"], outputs: ["batch1"]),
            Node(name: "concat", op: "Concat", inputs: ["batch1", "minus1"], outputs: ["target"], attributes: ["axis": .int(0)]),
            Node(name: "reshape", op: "Reshape", inputs: ["r", "target"], outputs: ["y"]),
        ]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        let session = try InferenceSession(graph: g)
        let x = try Tensor((0..<24).map { Float($0) - 12 }, shape: [2, 3, 4])
        let plan = try session.plan(for: [x])
        for op in ["Shape", "Gather", "Unsqueeze", "Concat", "Reshape"] {
            XCTAssertFalse(plan.stepOps.contains(op), "\(op) should have been folded or aliased: \(plan.stepOps)")
        }
        XCTAssertEqual(plan.stepOps, ["Relu"])
        let y = try session.run([x])[0]
        XCTAssertEqual(y.shape, [2, 12])
        XCTAssertEqual(y.scalars(as: Float.self), (0..<24).map { max(Float($0) - 12, 0) })
    }
}
