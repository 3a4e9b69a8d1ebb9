import XCTest
import EdgeRuntime
import EdgeTestSupport

/// The run closures of the compute ops (Conv, ConvTranspose, Gemm, MatMul, pools,
/// normalizations, PRelu, GRU, LSTM) must not allocate: after the first call for a shape,
/// `run(inputs:outputs:)` makes no heap allocation, with one thread and with a pool.
/// Checked in optimised builds only (`make test` uses -c release), like `AllocationFreeRunTests`.
final class ComputeOpsAllocationTests: XCTestCase {
    private struct Case {
        var op: String
        var inputs: [Tensor?]
        var attributes: [String: Attribute] = [:]
        var constants: Set<Int> = []
        var outputs = 1
    }

    private func cases() -> [Case] {
        var rng = SeededRandom(seed: 71)
        let image = rng.tensor([2, 8, 32, 32])
        let dw5 = [QRef.tensor(QRef.random(&rng, 8 * 25, -127, 127), [8, 1, 5, 5], .int8), Tensor(scalar: Float(0.01)), QRef.tensor([0], [], .int8)]
        let pads: Attribute = .ints([1, 1, 1, 1])
        let table = QRef.tensor(QRef.random(&rng, 256, 0, 255), [256], .uint8)
        let scale = QRef.tensor(QRef.random(&rng, 8, 0, 255), [1, 8, 1, 1], .uint8)
        return [
            Case(op: "Conv", inputs: [image, rng.tensor([8, 1, 3, 3]), rng.tensor([8])],
                 attributes: ["group": .int(8), "pads": pads, "activation": .string("Relu")], constants: [1, 2]),
            Case(op: "Conv", inputs: [image, rng.tensor([16, 8, 1, 1]), rng.tensor([16])], constants: [1, 2]),
            Case(op: "Conv", inputs: [image, rng.tensor([16, 4, 3, 3])], attributes: ["group": .int(2), "strides": .ints([2, 2]), "pads": pads]),
            Case(op: "Conv", inputs: [image, rng.tensor([16, 8, 3, 3])], attributes: ["pads": pads], constants: [1]),
            Case(op: "Conv", inputs: [rng.tensor([1, 4, 6, 6, 6]), rng.tensor([4, 4, 3, 3, 3])], constants: [1]),
            Case(op: "ConvTranspose", inputs: [image, rng.tensor([8, 4, 4, 4]), rng.tensor([4])],
                 attributes: ["strides": .ints([2, 2]), "pads": pads], constants: [1, 2]),
            Case(op: "Gemm", inputs: [rng.tensor([16, 64]), rng.tensor([32, 64]), rng.tensor([32])],
                 attributes: ["transB": .int(1)], constants: [1, 2]),
            Case(op: "Gemm", inputs: [rng.tensor([16, 64]), rng.tensor([64, 32]), rng.tensor([16, 32])],
                 attributes: ["alpha": .float(0.5), "beta": .float(2)]),
            Case(op: "MatMul", inputs: [rng.tensor([2, 3, 16, 32]), rng.tensor([32, 24])], constants: [1]),
            Case(op: "MatMul", inputs: [rng.tensor([2, 1, 16, 32]), rng.tensor([3, 32, 24])]),
            Case(op: "MaxPool", inputs: [image], attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": pads]),
            Case(op: "AveragePool", inputs: [image], attributes: ["kernel_shape": .ints([3, 3]), "pads": pads, "count_include_pad": .int(1)]),
            Case(op: "GlobalAveragePool", inputs: [image]),
            Case(op: "BatchNormalization", inputs: [image, rng.tensor([8]), rng.tensor([8]), rng.tensor([8]), rng.tensor([8], 0.5, 1)]),
            Case(op: "InstanceNormalization", inputs: [image, rng.tensor([8]), rng.tensor([8])]),
            Case(op: "LayerNormalization", inputs: [rng.tensor([64, 128]), rng.tensor([128]), rng.tensor([128])], constants: [1, 2], outputs: 3),
            Case(op: "PRelu", inputs: [image, rng.tensor([8, 1, 1])], constants: [1]),
            Case(op: "LSTM", inputs: [rng.tensor([6, 2, 8]), rng.tensor([2, 64, 8]), rng.tensor([2, 64, 16]), rng.tensor([2, 128])],
                 attributes: ["direction": .string("bidirectional")], constants: [1, 2, 3], outputs: 3),
            Case(op: "GRU", inputs: [rng.tensor([6, 2, 8]), rng.tensor([1, 48, 8]), rng.tensor([1, 48, 16]), rng.tensor([1, 96]),
                                     try! Tensor([Int32(6), 3], shape: [2])], outputs: 2),
        ] + quantizedCases(&rng)
    }

    /// The int8 ops: QLinearConv (im2col, depthwise 3×3 and 5×5, int8 activations), QLinearMatMul,
    /// Q/DQ, QLookup, QMul (broadcast), DynamicQMatMul, MatMulNBits, GatherBlockQuantized.
    private func quantizedCases(_ rng: inout SeededRandom) -> [Case] {
        let u8 = QRef.tensor(QRef.random(&rng, 2 * 8 * 16 * 16, 0, 255), [2, 8, 16, 16], .uint8)
        let i8 = QRef.tensor(QRef.random(&rng, 2 * 8 * 16 * 16, -128, 127), [2, 8, 16, 16], .int8)
        func params(_ dtype: DType) -> [Tensor] { [Tensor(scalar: Float(0.02)), QRef.tensor([3], [], dtype)] }
        let w = [QRef.tensor(QRef.random(&rng, 16 * 8 * 9, -127, 127), [16, 8, 3, 3], .int8), Tensor(scalar: Float(0.01)), QRef.tensor([0], [], .int8)]
        let dw = [QRef.tensor(QRef.random(&rng, 8 * 9, -127, 127), [8, 1, 3, 3], .int8), Tensor(scalar: Float(0.01)), QRef.tensor([0], [], .int8)]
        let dw5 = [QRef.tensor(QRef.random(&rng, 8 * 25, -127, 127), [8, 1, 5, 5], .int8), Tensor(scalar: Float(0.01)), QRef.tensor([0], [], .int8)]
        let pads: Attribute = .ints([1, 1, 1, 1])
        let table = QRef.tensor(QRef.random(&rng, 256, 0, 255), [256], .uint8)
        let scale = QRef.tensor(QRef.random(&rng, 8, 0, 255), [1, 8, 1, 1], .uint8)
        return [
            Case(op: "QLinearConv", inputs: [u8] + params(.uint8) + w + params(.uint8), attributes: ["pads": pads], constants: Set(1...7)),
            Case(op: "QLinearConv", inputs: [i8] + params(.int8) + dw + params(.int8), attributes: ["pads": pads, "group": .int(8)], constants: Set(1...7)),
            Case(op: "QLinearConv", inputs: [u8] + params(.uint8) + dw5 + params(.uint8),
                 attributes: ["pads": .ints([2, 2, 2, 2]), "group": .int(8), "strides": .ints([2, 2])], constants: Set(1...7)),
            Case(op: "QLookup", inputs: [u8, table], constants: [1]),
            Case(op: "QMul", inputs: [u8] + params(.uint8) + [scale] + params(.uint8) + params(.uint8), constants: [1, 2, 4, 5, 6, 7]),
            Case(op: "QLinearMatMul", inputs: [QRef.tensor(QRef.random(&rng, 16 * 72, 0, 255), [16, 72], .uint8)] + params(.uint8)
                 + [QRef.tensor(QRef.random(&rng, 72 * 16, -127, 127), [72, 16], .int8), Tensor(scalar: Float(0.01)), QRef.tensor([0], [], .int8)]
                 + params(.uint8), constants: Set(1...7)),
            Case(op: "QuantizeLinear", inputs: [rng.tensor([2, 8, 16, 16]), try! Tensor([Float](repeating: 0.1, count: 8), shape: [8])], constants: [1]),
            Case(op: "DequantizeLinear", inputs: [u8] + params(.uint8), constants: [1, 2]),
            Case(op: "DynamicQuantizeLinear", inputs: [rng.tensor([4, 64])], outputs: 3),
            Case(op: "DynamicQMatMul", inputs: [rng.tensor([4, 72]), QRef.tensor(QRef.random(&rng, 72 * 16, -127, 127), [72, 16], .int8),
                                                try! Tensor([Float](repeating: 0.01, count: 16), shape: [16]), rng.tensor([16])],
                 constants: [1, 2, 3]),
            // 4-bit blocks: 16 rows × 2 blocks of 32 (16 bytes each), scales per block.
            Case(op: "MatMulNBits", inputs: [rng.tensor([4, 64]), QRef.tensor(QRef.random(&rng, 16 * 32, 0, 255), [16, 2, 16], .uint8),
                                             try! Tensor([Float](repeating: 0.01, count: 32), shape: [32])],
                 attributes: ["K": .int(64), "N": .int(16), "bits": .int(4), "block_size": .int(32)], constants: [1, 2]),
            Case(op: "GatherBlockQuantized", inputs: [QRef.tensor(QRef.random(&rng, 10 * 32, 0, 255), [10, 32], .uint8),
                                                      try! Tensor([Int64(3), -1, 9, 42], shape: [4]),
                                                      try! Tensor([Float](repeating: 0.01, count: 20), shape: [10, 2])],
                 attributes: ["bits": .int(4), "block_size": .int(32)], constants: [0, 2]),
        ]
    }

    func testRunsDoNotAllocate() throws {
        #if DEBUG
        throw XCTSkip("allocation-free run is checked in optimised builds (make test uses -c release)")
        #endif
        for c in cases() {
            for threads in [1, 2] {
                var graph = Graph(name: c.op)
                var names: [String] = [], feeds: [Tensor] = []
                for (i, t) in c.inputs.enumerated() {
                    guard let t else { names.append(""); continue }
                    names.append("x\(i)")
                    if c.constants.contains(i) { graph.initializers["x\(i)"] = t; continue }
                    graph.inputs.append(ValueInfo(name: "x\(i)", dtype: t.dtype, shape: t.shape.map { .fixed($0) }))
                    feeds.append(t)
                }
                let outNames = (0..<c.outputs).map { "y\($0)" }
                graph.nodes = [Node(name: "n", op: c.op, inputs: names, outputs: outNames, attributes: c.attributes)]
                graph.outputs = outNames.map { ValueInfo(name: $0, dtype: .float32, shape: nil) }
                let session = try InferenceSession(graph: graph, options: SessionOptions(threads: threads, optimize: false))
                let outputs = try session.run(feeds)   // first call: plan, output shapes
                try session.run(inputs: feeds, outputs: outputs)
                guard let n = try countAllocations({ for _ in 0..<5 { try session.run(inputs: feeds, outputs: outputs) } }) else {
                    throw XCTSkip("allocation counting needs glibc")
                }
                XCTAssertEqual(n, 0, "\(c.op) \(c.attributes) threads \(threads): \(n) allocations in 5 runs")
            }
        }
    }
}
