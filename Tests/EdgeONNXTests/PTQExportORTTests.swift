import EdgeCompress
import EdgeONNX
import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

/// A float CNN quantized by our PTQ (`PostTrainingQuantization`), exported to ONNX (both the
/// QDQ graph as written and the fused int8 graph) and run by ONNX Runtime: its outputs match
/// ours within 2 output quantization steps. Skipped without python3/onnxruntime.
final class PTQExportORTTests: XCTestCase {
    /// x[1, 3, 16, 16] → Conv 3×3 + Relu → depthwise 3×3 + Clip(0, 6) → Conv 1×1 → HardSwish →
    /// GlobalAveragePool → Flatten → Gemm (transB) → logits [1, 10].
    static func floatModel() -> Graph {
        var rng = SeededRandom(seed: 61)
        var g = Graph(name: "ptq-cnn")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(3), .fixed(16), .fixed(16)])]
        g.outputs = [ValueInfo(name: "logits", dtype: .float32, shape: nil)]
        for (n, s) in [("w1", [8, 3, 3, 3]), ("b1", [8]), ("wd", [8, 1, 3, 3]), ("bd", [8]), ("w2", [16, 8, 1, 1]), ("b2", [16]),
                       ("wf", [10, 16]), ("bf", [10])] { g.initializers[n] = rng.tensor(s) }
        g.initializers["lo"] = Tensor(scalar: Float(0)); g.initializers["hi"] = Tensor(scalar: Float(6))
        let pad: [String: Attribute] = ["pads": .ints([1, 1, 1, 1])]
        g.nodes = [
            Node(name: "c1", op: "Conv", inputs: ["x", "w1", "b1"], outputs: ["a1"], attributes: pad),
            Node(name: "r1", op: "Relu", inputs: ["a1"], outputs: ["h1"]),
            Node(name: "dw", op: "Conv", inputs: ["h1", "wd", "bd"], outputs: ["a2"], attributes: pad.merging(["group": .int(8)]) { a, _ in a }),
            Node(name: "r6", op: "Clip", inputs: ["a2", "lo", "hi"], outputs: ["h2"]),
            Node(name: "c2", op: "Conv", inputs: ["h2", "w2", "b2"], outputs: ["a3"]),
            Node(name: "hs", op: "HardSwish", inputs: ["a3"], outputs: ["h3"]),
            Node(name: "gap", op: "GlobalAveragePool", inputs: ["h3"], outputs: ["g"]),
            Node(name: "flat", op: "Flatten", inputs: ["g"], outputs: ["f"]),
            Node(name: "fc", op: "Gemm", inputs: ["f", "wf", "bf"], outputs: ["logits"], attributes: ["transB": .int(1)]),
        ]
        return g
    }

    func testExportedPTQModelMatchesONNXRuntime() throws {
        var rng = SeededRandom(seed: 62)
        let calibration = EvalSet(samples: (0..<8).map { ("\($0)", ["x": rng.tensor([1, 3, 16, 16])]) })
        let float = try GraphOptimizer.optimize(Self.floatModel())
        var settings = Int8Settings()
        settings.biasCorrection = true
        let qdq = try PostTrainingQuantization.apply(float, settings: settings, calibration: calibration).graph
        let fused = try GraphOptimizer.optimize(qdq)
        XCTAssertEqual(fused.nodes.filter { $0.op == "QLinearConv" }.count, 3, fused.nodes.map(\.op).description)
        XCTAssertEqual(fused.nodes.filter { $0.op == "QLinearMatMul" }.count, 1)

        let x = rng.tensor([1, 3, 16, 16])
        let ours = try InferenceSession(graph: fused).run(["x": x])["logits"]!
        let floatOut = try InferenceSession(graph: float).run(["x": x])["logits"]!
        let outQ = try XCTUnwrap(qdq.nodes.first { $0.op == "DequantizeLinear" && $0.outputs == ["logits"] })
        let step = try qdq.initializers[outQ.inputs[1]]!.floatValues()[0]

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ptq-ort-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("x.npy").path
        try Npy.write(x, path: input)
        let runner = "import sys, numpy as np, onnxruntime as ort\n"
            + "s = ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])\n"
            + "np.save(sys.argv[3], s.run(None, {'x': np.load(sys.argv[2])})[0])\n"
        for (name, graph) in [("qdq", qdq), ("fused", fused)] {
            let model = dir.appendingPathComponent("\(name).onnx"), output = dir.appendingPathComponent("\(name).npy").path
            try Data(try ONNXExporter.encode(graph)).write(to: model)
            _ = try PythonRunner.run(["-c", runner, model.path, input, output])
            let theirs = try Npy.read(path: output)
            let d = maxDifference(theirs, ours).abs
            XCTAssertLessThanOrEqual(d, 2 * step * 1.001, "\(name): ORT vs ours max |diff| \(d), output step \(step)")
            XCTAssertLessThanOrEqual(maxDifference(theirs, floatOut).abs, 0.1 * (try floatOut.floatValues().map(abs).max()!) + 2 * step,
                                     "\(name): ORT's int8 run stays near the float model")
        }
    }
}

/// Weight-only int4 (`Int4Quantization`) exports as ONNX Runtime's MatMulNBits and
/// GatherBlockQuantized, which ONNX Runtime runs to our outputs (float accumulation order differs).
final class Int4ExportORTTests: XCTestCase {
    func testExportedInt4ModelMatchesONNXRuntime() throws {
        var rng = SeededRandom(seed: 63)
        var g = Graph(name: "int4")
        g.inputs = [ValueInfo(name: "ids", dtype: .int64, shape: [.fixed(3)]), ValueInfo(name: "x", dtype: .float32, shape: [.fixed(3), .fixed(64)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["table"] = rng.tensor([20, 64])
        g.initializers["w1"] = rng.tensor([96, 64]); g.initializers["b1"] = rng.tensor([96])
        g.initializers["w2"] = rng.tensor([96, 40])
        g.nodes = [
            Node(name: "embed", op: "Gather", inputs: ["table", "ids"], outputs: ["e"]),
            Node(name: "sum", op: "Add", inputs: ["e", "x"], outputs: ["h"]),
            Node(name: "fc1", op: "Gemm", inputs: ["h", "w1", "b1"], outputs: ["h1"], attributes: ["transB": .int(1)]),
            Node(name: "fc2", op: "MatMul", inputs: ["h1", "w2"], outputs: ["y"]),
        ]
        let q = try Int4Quantization.apply(try GraphOptimizer.optimize(g), group: 32).graph
        XCTAssertEqual(q.nodes.filter { $0.op == "MatMulNBits" }.count, 2)
        XCTAssertEqual(q.nodes.filter { $0.op == "GatherBlockQuantized" }.count, 1)
        let ids = try Tensor([Int64(3), 0, 19], shape: [3]), x = rng.tensor([3, 64])
        let ours = try InferenceSession(graph: q).run(["ids": ids, "x": x])["y"]!

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("int4-ort-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.onnx")
        try Data(try ONNXExporter.encode(q)).write(to: model)
        try Npy.write(ids, path: dir.appendingPathComponent("ids.npy").path)
        try Npy.write(x, path: dir.appendingPathComponent("x.npy").path)
        let runner = "import sys, numpy as np, onnxruntime as ort\n"
            + "d = sys.argv[2]\n"
            + "s = ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])\n"
            + "np.save(d + '/y.npy', s.run(None, {'ids': np.load(d + '/ids.npy'), 'x': np.load(d + '/x.npy')})[0])\n"
        _ = try PythonRunner.run(["-c", runner, model.path, dir.path])
        let theirs = try Npy.read(path: dir.appendingPathComponent("y.npy").path)
        let scale = try ours.floatValues().map(abs).max()!
        XCTAssertLessThanOrEqual(maxDifference(theirs, ours).abs, 1e-4 * scale, "ORT vs ours on the int4 export")
        // Our importer reads the contrib ops back.
        let back = try ONNXImporter.load(contentsOf: model)
        XCTAssertLessThanOrEqual(maxDifference(try InferenceSession(graph: back).run(["ids": ids, "x": x])["y"]!, ours).abs, 1e-6 * scale)
    }
}

/// Dynamic int8 (`DynamicQuantization`) exports as DynamicQuantizeLinear → DequantizeLinear →
/// MatMul/Gemm, both as written and after fusion (DynamicQMatMul lowered back); ONNX Runtime
/// runs both near our fused result (activation quantized per call: ≤ 2 % of the output range).
final class DynamicExportORTTests: XCTestCase {
    func testExportedDynamicModelMatchesONNXRuntime() throws {
        var rng = SeededRandom(seed: 64)
        var g = Graph(name: "dyn")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(2), .fixed(32)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["w1"] = rng.tensor([48, 32]); g.initializers["b1"] = rng.tensor([48])
        g.initializers["w2"] = rng.tensor([48, 8])
        g.nodes = [Node(name: "fc1", op: "Gemm", inputs: ["x", "w1", "b1"], outputs: ["h"], attributes: ["transB": .int(1)]),
                   Node(name: "fc2", op: "MatMul", inputs: ["h", "w2"], outputs: ["y"])]
        let q = try DynamicQuantization.apply(g, perChannel: true).graph
        let fused = try GraphOptimizer.optimize(q)
        XCTAssertEqual(fused.nodes.filter { $0.op == "DynamicQMatMul" }.count, 2)
        let x = rng.tensor([2, 32])
        let ours = try InferenceSession(graph: fused).run(["x": x])["y"]!
        let scale = try ours.floatValues().map(abs).max()!
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dyn-ort-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Npy.write(x, path: dir.appendingPathComponent("x.npy").path)
        let runner = "import sys, numpy as np, onnxruntime as ort\n"
            + "s = ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])\n"
            + "np.save(sys.argv[2] + '/y.npy', s.run(None, {'x': np.load(sys.argv[2] + '/x.npy')})[0])\n"
        for (name, graph) in [("qdq", q), ("fused", fused)] {
            let model = dir.appendingPathComponent("\(name).onnx")
            try Data(try ONNXExporter.encode(graph)).write(to: model)
            _ = try PythonRunner.run(["-c", runner, model.path, dir.path])
            let theirs = try Npy.read(path: dir.appendingPathComponent("y.npy").path)
            XCTAssertLessThanOrEqual(maxDifference(theirs, ours).abs, 0.02 * scale, "\(name): ORT vs ours")
        }
    }
}
