import EdgeONNX
import EdgeRuntime
import EdgeTestSupport
import Foundation
import SwiftProtobuf
import XCTest

/// Exports every PyTorch backend case the runtime supports — after `GraphOptimizer` has folded
/// BatchNorm and fused activations, so the internal forms are exercised — and has ONNX Runtime
/// (onnx.checker first) run the exported file on the case's stored inputs, comparing with the
/// stored outputs (rtol 1e-3, atol 1e-4). Skipped when python3 lacks onnx or onnxruntime.
final class ONNXExportRuntimeTests: XCTestCase {
    /// Checks each `exported.onnx` + case directory pair listed on stdin; prints `FAIL name: why`.
    static let checker = """
    import sys, glob, os
    import numpy as np, onnx, onnxruntime as ort
    from onnx import numpy_helper
    ort.set_default_logger_severity(3)
    def load(paths): return [numpy_helper.to_array(onnx.load_tensor(p)) for p in paths]
    for line in sys.stdin:
        exported, case = line.rstrip("\\n").split("\\t")
        name = os.path.basename(case)
        try:
            onnx.checker.check_model(onnx.load(exported), full_check=True)
            so = ort.SessionOptions(); so.intra_op_num_threads = 1; so.inter_op_num_threads = 1
            sess = ort.InferenceSession(exported, so, providers=["CPUExecutionProvider"])
            for ds in sorted(glob.glob(os.path.join(case, "test_data_set_*"))):
                ins = load(sorted(glob.glob(os.path.join(ds, "input_*.pb")), key=lambda p: int(p.rsplit("_", 1)[1][:-3])))
                outs = load(sorted(glob.glob(os.path.join(ds, "output_*.pb")), key=lambda p: int(p.rsplit("_", 1)[1][:-3])))
                got = sess.run(None, {i.name: v for i, v in zip(sess.get_inputs(), ins)})
                for g, w in zip(got, outs):
                    if g.shape != w.shape or not np.allclose(g, w, rtol=1e-3, atol=1e-4, equal_nan=True):
                        raise ValueError(f"mismatch: shape {g.shape} vs {w.shape}, max diff {np.abs(g - w).max() if g.shape == w.shape else 'n/a'}")
            print(f"OK {name}")
        except Exception as e:
            print(f"FAIL {name}: {str(e)[:300]}")
    """

    func testExportedBackendCasesRunInONNXRuntime() throws {
        let root = try ONNXConformanceTests.dataDirectory()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        var jobs: [String] = []
        var fused = 0
        for suite in ONNXConformanceTests.suites {
            let suiteURL = root.appendingPathComponent(suite)
            for name in try FileManager.default.contentsOfDirectory(atPath: suiteURL.path).sorted() {
                let caseURL = suiteURL.appendingPathComponent(name)
                let graph = try ONNXImporter.load(contentsOf: caseURL.appendingPathComponent("model.onnx"), checkOperators: false)
                guard Set(graph.nodes.map(\.op)).isSubset(of: OpRegistry.supportedOps) else { continue }
                let optimized = try GraphOptimizer.optimize(graph)
                fused += optimized.nodes.filter { $0.attributes.has("activation") || $0.attributes.has("coerce_2d") }.count
                let out = dir.appendingPathComponent("\(suite)-\(name).onnx")
                try Data(try ONNXExporter.encode(optimized)).write(to: out)
                jobs.append("\(out.path)\t\(caseURL.path)")
            }
        }
        try XCTSkipIf(jobs.isEmpty, "the runtime supports none of the backend cases yet")
        let report = try PythonRunner.run(["-c", "import onnx, onnxruntime\n" + Self.checker], stdin: jobs.joined(separator: "\n") + "\n")
        let lines = report.split(separator: "\n")
        let ok = lines.filter { $0.hasPrefix("OK ") }.count
        print("ONNX export → ONNX Runtime: \(ok) of \(jobs.count) exported cases match (\(fused) nodes with internal attributes lowered)")
        for line in lines where line.hasPrefix("FAIL ") { XCTFail(String(line)) }
        XCTAssertEqual(ok, jobs.count, "every exported case must be checked")
    }
}

/// The exporter's lowering of every internal form (each fused activation on Conv, Gemm and
/// MatMul; `coerce_2d` on each Softmax-family op and axis) must mean in ONNX Runtime what it
/// means in our runtime: our outputs are the expected values of the exported file.
extension ONNXExportRuntimeTests {
    func testEveryInternalFormMatchesInONNXRuntime() throws {
        try ONNXModelBuilder.requireOps(["Conv", "Gemm", "MatMul", "Softmax", "LogSoftmax"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-forms-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SeededRandom(seed: 31)
        let activations: [(String, Float, Float)] = [
            ("Relu", 0, 0), ("Clip", -0.3, 0.4), ("Clip", 0, Float.greatestFiniteMagnitude), ("LeakyRelu", 0.1, 0),
            ("Sigmoid", 0, 0), ("Tanh", 0, 0), ("HardSigmoid", 0.3, 0.4), ("HardSwish", 0, 0),
        ]
        var jobs: [String] = []
        func add(_ name: String, _ graph: Graph, _ input: Tensor) throws {
            let caseDir = dir.appendingPathComponent(name)
            let data = caseDir.appendingPathComponent("test_data_set_0")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            let expected = try InferenceSession(graph: graph, options: SessionOptions(optimize: false)).run([input])[0]
            try Self.tensorFile(input).write(to: data.appendingPathComponent("input_0.pb"))
            try Self.tensorFile(expected).write(to: data.appendingPathComponent("output_0.pb"))
            let model = caseDir.appendingPathComponent("exported.onnx")
            try Data(try ONNXExporter.encode(graph)).write(to: model)
            jobs.append("\(model.path)\t\(caseDir.path)")
        }
        for (i, (kind, alpha, beta)) in activations.enumerated() {
            let act: [String: Attribute] = ["activation": .string(kind), "activation_alpha": .float(alpha), "activation_beta": .float(beta)]
            try add("conv_\(i)_\(kind)", Self.graph("Conv", x: [1, 3, 5, 5], weights: ["w": rng.tensor([4, 3, 3, 3]), "b": rng.tensor([4])],
                                                     attributes: act.merging(["pads": .ints([1, 1, 1, 1])]) { a, _ in a }), rng.tensor([1, 3, 5, 5], -2, 2))
            try add("gemm_\(i)_\(kind)", Self.graph("Gemm", x: [2, 6], weights: ["w": rng.tensor([6, 4]), "b": rng.tensor([4])], attributes: act),
                    rng.tensor([2, 6], -2, 2))
            try add("matmul_\(i)_\(kind)", Self.graph("MatMul", x: [2, 6], weights: ["w": rng.tensor([6, 4])], attributes: act), rng.tensor([2, 6], -2, 2))
        }
        for op in ["Softmax", "LogSoftmax", "Hardmax"] where OpRegistry.definition(for: op) != nil {
            for axis in [0, 1, 2, -1] {
                try add("\(op)_axis\(axis)", Self.graph(op, x: [2, 3, 4], weights: [:], attributes: ["axis": .int(axis), "coerce_2d": .int(1)]),
                        rng.tensor([2, 3, 4], -3, 3))
            }
        }
        let report = try PythonRunner.run(["-c", "import onnx, onnxruntime\n" + Self.checker], stdin: jobs.joined(separator: "\n") + "\n")
        let lines = report.split(separator: "\n")
        for line in lines where line.hasPrefix("FAIL ") { XCTFail(String(line)) }
        XCTAssertEqual(lines.filter { $0.hasPrefix("OK ") }.count, jobs.count)
    }

    /// x → op(x, weights…) → y, with `weights` as initializers in the given order.
    static func graph(_ op: String, x shape: [Int], weights: KeyValuePairs<String, Tensor>, attributes: [String: Attribute]) -> Graph {
        var g = Graph(name: op, inputs: [ValueInfo(name: "x", dtype: .float32, shape: shape.map { .fixed($0) })],
                      outputs: [ValueInfo(name: "y", dtype: .float32, shape: nil)])
        for (name, t) in weights { g.initializers[name] = t }
        g.nodes = [Node(name: op.lowercased(), op: op, inputs: ["x"] + weights.map(\.key), outputs: ["y"], attributes: attributes)]
        return g
    }

    /// A serialized float32 TensorProto (raw data), as ONNX test data stores it.
    static func tensorFile(_ t: Tensor) throws -> Data {
        var p = Onnx_TensorProto()
        p.dataType = Int32(t.dtype.rawValue)
        p.dims = t.shape.map { Int64($0) }
        p.rawData = Data(bytes: t.rawPointer, count: t.byteCount)
        return try p.serializedBytes()
    }
}
