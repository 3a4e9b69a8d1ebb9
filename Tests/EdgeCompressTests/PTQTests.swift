@testable import EdgeCompress
import EdgeRuntime
import EdgeTestSupport
import XCTest

/// Static int8 PTQ of the seeded test models: the QDQ graph's shape, fusion onto the int8
/// kernels and agreement with the float model.
final class PTQTests: XCTestCase {
    static func samples(_ shape: [Int], count: Int, seed: UInt64, lo: Float = -1, hi: Float = 1, name: String = "x") -> EvalSet {
        var rng = SeededRandom(seed: seed)
        return EvalSet(samples: (0..<count).map { ("\($0)", [name: rng.tensor(shape, lo, hi)]) })
    }

    private func quantize(_ graph: Graph, _ settings: Int8Settings = Int8Settings(), calibration: EvalSet) throws -> (Graph, StepResult) {
        let float = try GraphOptimizer.optimize(graph)
        return (float, try PostTrainingQuantization.apply(float, settings: settings, calibration: calibration))
    }

    func testCNNRunsOnInt8KernelsAndAgreesWithFloat() throws {
        let calibration = Self.samples([1, 3, 12, 12], count: 8, seed: 11)
        let eval = Self.samples([1, 3, 12, 12], count: 16, seed: 12)
        for observer in [ObserverKind.minMax, .percentile(99.99), .mse, .entropy] {
            var s = Int8Settings()
            s.observer = observer
            let (float, result) = try quantize(try TestModels.cnn(), s, calibration: calibration)
            let session = try InferenceSession(graph: result.graph)
            let plan = try session.plan(for: [eval.samples[0].feeds["x"]!])
            let ops = plan.stepOps
            let floatPlan = try InferenceSession(graph: float).plan(for: [eval.samples[0].feeds["x"]!])
            XCTAssertEqual(CostModel.macs(of: plan), CostModel.macs(of: floatPlan), "int8 layers count their MACs")
            XCTAssertEqual(ops.filter { $0 == "QLinearConv" }.count, 4, "\(observer.name): every Conv runs int8: \(ops)")
            XCTAssertEqual(ops.filter { $0 == "QLinearMatMul" }.count, 1, "\(observer.name): the Gemm runs int8: \(ops)")
            XCTAssertFalse(ops.contains("Conv") || ops.contains("Gemm"), "\(ops)")
            let a = try Agreement.measure(original: try InferenceSession(graph: float), compressed: session, on: eval)
            // Entropy (KL) clips the long ReLU tails of this random-weight model hard (conv2's
            // output range 6.3 → 1.5), which costs more than on trained models: budget 0.95.
            XCTAssertGreaterThanOrEqual(a.cosineSimilarity, observer == .entropy ? 0.95 : 0.99, "\(observer.name): \(a)")
            XCTAssertGreaterThanOrEqual(a.top1Agreement ?? 0, 0.9, "\(observer.name): \(a)")
            XCTAssertEqual(result.changes.filter(\.changed).count, 7, "4 Conv, MaxPool, GlobalAveragePool, Gemm: \(result.changes)")
        }
    }

    func testQDQOnlyWherePrecisionChanges() throws {
        let calibration = Self.samples([1, 3, 12, 12], count: 4, seed: 13)
        let (_, result) = try quantize(try TestModels.cnn(), calibration: calibration)
        let g = result.graph
        let producer = Dictionary(g.nodes.flatMap { n in n.outputs.map { ($0, n) } }, uniquingKeysWith: { a, _ in a })
        for q in g.nodes where q.op == "QuantizeLinear" {
            XCTAssertNotEqual(producer[q.inputs[0]]?.op, "DequantizeLinear", "no DQ → Q requantization: \(q.name)")
            let readers = g.nodes.filter { $0.inputs.contains(q.outputs[0]) }
            XCTAssertEqual(readers.map(\.op), ["DequantizeLinear"])
        }
        // Tensors quantized: x, relu1, relu2, conv2's Relu, pool, conv3, gap, the Flatten (fc's
        // input, on gap's grid: exact) and the logits → 9 QuantizeLinear.
        let qs = g.nodes.filter { $0.op == "QuantizeLinear" }
        XCTAssertEqual(qs.count, 9, g.nodes.map(\.op).description)
        let flatQ = try XCTUnwrap(qs.first { producer[$0.inputs[0]]?.op == "Flatten" })
        let gapQ = try XCTUnwrap(qs.first { producer[$0.inputs[0]]?.op == "GlobalAveragePool" })
        XCTAssertEqual(try g.initializers[flatQ.inputs[2]]!.intValues(), try g.initializers[gapQ.inputs[2]]!.intValues())
        XCTAssertEqual(try g.initializers[flatQ.inputs[1]]!.floatValues(), try g.initializers[gapQ.inputs[1]]!.floatValues(),
                       "Flatten keeps GlobalAveragePool's scale and zero point")
        // Weights int8 with per-channel scales; biases int32.
        let conv = try XCTUnwrap(g.nodes.first { $0.name == "conv1" })
        let wdq = try XCTUnwrap(producer[conv.inputs[1]])
        XCTAssertEqual(wdq.op, "DequantizeLinear")
        XCTAssertEqual(g.initializers[wdq.inputs[0]]?.dtype, .int8)
        XCTAssertEqual(g.initializers[wdq.inputs[1]]?.shape, [8])
        XCTAssertEqual(g.initializers[try XCTUnwrap(producer[conv.inputs[2]]).inputs[0]]?.dtype, .int32)
        XCTAssertEqual(g.outputs.map(\.name), ["logits"])
    }

    func testMLPAndResidualModels() throws {
        // Gemm (alpha 0.5: stays float, the int8 layer needs alpha 1) + MatMul; residual Add + SE Mul.
        let mlpCal = Self.samples([4, 48], count: 8, seed: 14)
        let (mlpFloat, mlp) = try quantize(try TestModels.mlp(), calibration: mlpCal)
        XCTAssertTrue(mlp.changes.contains { $0.node == "fc2" && $0.changed })
        XCTAssertFalse(mlp.changes.contains { $0.node == "fc1" && $0.op == "Gemm" }, "alpha ≠ 1 is not an int8 layer")
        let a = try Agreement.measure(original: try InferenceSession(graph: mlpFloat), compressed: try InferenceSession(graph: mlp.graph),
                                      on: Self.samples([4, 48], count: 8, seed: 15))
        XCTAssertGreaterThanOrEqual(a.cosineSimilarity, 0.99, "\(a)")

        let (resFloat, res) = try quantize(try TestModels.residualSE(), calibration: Self.samples([1, 4, 6, 6], count: 8, seed: 16))
        let session = try InferenceSession(graph: res.graph)
        let ops = try session.plan(for: [Self.samples([1, 4, 6, 6], count: 1, seed: 1).samples[0].feeds["x"]!]).stepOps
        XCTAssertEqual(ops.filter { $0 == "QLinearConv" }.count, 4, "\(ops)")
        XCTAssertTrue(ops.contains("QLookup") && ops.contains("QMul"), "sigmoid → lookup table, SE product → QMul: \(ops)")
        let b = try Agreement.measure(original: try InferenceSession(graph: resFloat), compressed: session,
                                      on: Self.samples([1, 4, 6, 6], count: 8, seed: 17))
        XCTAssertGreaterThanOrEqual(b.cosineSimilarity, 0.99, "\(b)")
    }

    func testSingleOutputChannelGemmWithBias() throws {
        // A one-logit head (the match ranker's score): per-channel weight and int32 bias scales
        // hold one value in a 1-D tensor, which ONNX reads as per-axis — the axis must be written.
        var rng = SeededRandom(seed: 21)
        var g = Graph(name: "score")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(4), .fixed(8)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["w"] = rng.tensor([1, 8]); g.initializers["b"] = rng.tensor([1])
        g.nodes = [Node(name: "fc", op: "Gemm", inputs: ["x", "w", "b"], outputs: ["y"], attributes: ["transB": .int(1)])]
        let (float, result) = try quantize(g, calibration: Self.samples([4, 8], count: 8, seed: 22))
        XCTAssertTrue(result.changes.contains { $0.node == "fc" && $0.changed }, "\(result.changes)")
        let a = try Agreement.measure(original: try InferenceSession(graph: float), compressed: try InferenceSession(graph: result.graph),
                                      on: Self.samples([4, 8], count: 8, seed: 23))
        XCTAssertGreaterThanOrEqual(a.cosineSimilarity, 0.99, "\(a)")
    }

    func testBiasCorrectionRemovesTheMeanOutputShift() throws {
        // Gemm on inputs with a large common mean, per-tensor weights (coarse for the small columns):
        // the weight error shifts each output's mean; bias correction cancels that shift.
        var rng = SeededRandom(seed: 21)
        var g = Graph(name: "fc")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(8), .fixed(32)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["w"] = try Tensor((0..<(32 * 16)).map { i in rng.float() * (i % 16 == 0 ? 4 : 0.05) }, shape: [32, 16])
        g.initializers["b"] = rng.tensor([16])
        g.nodes = [Node(name: "fc", op: "Gemm", inputs: ["x", "w", "b"], outputs: ["y"])]
        let cal = Self.samples([8, 32], count: 16, seed: 22, lo: 2, hi: 4)
        let eval = Self.samples([8, 32], count: 16, seed: 23, lo: 2, hi: 4)
        func meanShift(_ correct: Bool) throws -> Double {
            var s = Int8Settings()
            s.perChannel = false
            s.biasCorrection = correct
            let (float, r) = try quantize(g, s, calibration: cal)
            XCTAssertEqual(r.changes.first?.detail.contains("bias corrected"), correct)
            let f = try InferenceSession(graph: float), q = try InferenceSession(graph: r.graph)
            var shift = [Double](repeating: 0, count: 16)
            for sample in eval.samples {
                let a = try f.run(sample.feeds)["y"]!.floatValues(), b = try q.run(sample.feeds)["y"]!.floatValues()
                for i in a.indices { shift[i % 16] += Double(b[i] - a[i]) / Double(8 * eval.samples.count) }
            }
            return shift.map(abs).reduce(0, +) / 16
        }
        let without = try meanShift(false), with = try meanShift(true)
        XCTAssertLessThan(with, without / 2, "mean |shift| per output: \(with) with correction, \(without) without")
    }

    func testMixedPrecisionHonoursMaxDrop() throws {
        // Output [1, 4, 6, 6] is not classifier-like: the drop is 1 − mean cosine.
        let graph = try GraphOptimizer.optimize(try TestModels.residualSE())
        let cal = Self.samples([1, 4, 6, 6], count: 4, seed: 31)
        let eval = Self.samples([1, 4, 6, 6], count: 8, seed: 32)
        let reference = try InferenceSession(graph: graph)
        var s = Int8Settings()
        s.perChannel = false
        let full = try PostTrainingQuantization.apply(graph, settings: s, calibration: cal)
        let fullDrop = MixedPrecision.drop(try Agreement.measure(original: reference, compressed: try InferenceSession(graph: full.graph), on: eval))
        XCTAssertGreaterThan(fullDrop, 0)
        let budget = fullDrop / 2
        let mixed = try PostTrainingQuantization.apply(graph, settings: s, calibration: cal,
                                                       mixed: MixedPrecision(maxDrop: budget, evalSet: eval, reference: reference))
        let a = try Agreement.measure(original: reference, compressed: try InferenceSession(graph: mixed.graph), on: eval)
        XCTAssertLessThanOrEqual(MixedPrecision.drop(a), budget)
        XCTAssertTrue(mixed.notes.contains { $0.hasPrefix("all") && $0.contains("drop") }, "\(mixed.notes)")
        XCTAssertTrue(mixed.notes.contains { $0.contains("kept float") }, "\(mixed.notes)")
        let kept = mixed.changes.filter { $0.detail.hasPrefix("kept float: sensitivity") }
        XCTAssertFalse(kept.isEmpty, "\(mixed.changes)")
        XCTAssertTrue(kept.allSatisfy { !$0.changed })
        XCTAssertTrue(mixed.changes.contains(where: \.changed), "some layers stay int8: \(mixed.changes)")
        // A generous budget keeps everything int8; a zero budget with every layer float is an error.
        let loose = try PostTrainingQuantization.apply(graph, settings: s, calibration: cal,
                                                       mixed: MixedPrecision(maxDrop: 0.9, evalSet: eval, reference: reference))
        XCTAssertTrue(loose.changes.allSatisfy(\.changed), "\(loose.changes)")
        XCTAssertThrowsError(try PostTrainingQuantization.apply(graph, settings: s, calibration: cal,
                                                                mixed: MixedPrecision(maxDrop: 0, evalSet: eval, reference: reference))) { e in
            XCTAssertTrue((e as? EdgeError)?.message.contains("within --max-drop") == true, "\(e)")
        }
    }

    func testCalibrationSetErrors() throws {
        let graph = try TestModels.cnn()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch let e as EdgeError { return e.message } catch { return "\(error)" }
        }
        XCTAssertTrue(message { _ = try EvalSet(directory: dir + "/missing", model: graph.inputs, flag: "--calibration") }
            .contains("--calibration \(dir)/missing is not a directory"))
        XCTAssertTrue(message { _ = try EvalSet(directory: dir, model: graph.inputs, flag: "--calibration") }.contains("holds no samples"))
        try Npy.write(try Tensor(zeros: .float32, shape: [1, 3, 8, 8]), path: dir + "/x_0.npy")
        XCTAssertTrue(message { _ = try EvalSet(directory: dir, model: graph.inputs, flag: "--calibration") }
            .contains("input 'x' is float32 [1, 3, 8, 8], the model expects float32 [1, 3, 12, 12]"))
        try Npy.write(try Tensor(zeros: .float32, shape: [1, 3, 12, 12]), path: dir + "/x_0.npy")
        try Npy.write(try Tensor(zeros: .int64, shape: [1, 3, 12, 12]), path: dir + "/x_1.npy")
        XCTAssertTrue(message { _ = try EvalSet(directory: dir, model: graph.inputs, flag: "--calibration") }.contains("is int64"))
        XCTAssertTrue(message { _ = try Compressor.compress(graph, steps: [.int8(Int8Settings())]) }.contains("needs --calibration"))
        // A model without any layer int8 applies to, and int4 on a model without Gemm/MatMul/Gather.
        var softmax = Graph(name: "softmax")
        softmax.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(4)])]
        softmax.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        softmax.nodes = [Node(name: "s", op: "Softmax", inputs: ["x"], outputs: ["y"])]
        let cal = EvalSet(samples: [("0", ["x": try Tensor(zeros: .float32, shape: [1, 4])])])
        XCTAssertTrue(message { _ = try Compressor.compress(softmax, steps: [.int8(Int8Settings())], data: .init(calibration: cal)) }
            .contains("no layer int8 quantization applies to"))
        XCTAssertTrue(message { _ = try Compressor.compress(softmax, steps: [.int4(group: 32)]) }.contains("nothing to compress"))
    }
}

/// int8 inside a recipe, through `Compressor.run`: files, report and metadata.
final class PTQRecipeTests: XCTestCase {
    func testChannelPruneThenInt8WritesReportAndMetadata() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ptq-recipe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/cal", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rng = SeededRandom(seed: 111)
        for i in 0..<4 { try Npy.write(rng.tensor([1, 3, 12, 12]), path: "\(dir)/cal/x_\(i).npy") }
        let model = Model(graph: try TestModels.cnn(), metadata: ModelMetadata(name: "cnn"))
        try ModelFile.write(model, to: dir + "/cnn.edge")
        var options = Compressor.Options()
        options.calibrationDirectory = dir + "/cal"
        options.evalDirectory = dir + "/cal"
        options.runs = 2
        var o = RecipeOptions()
        o.ratio = 0.25
        o.observer = "mse"
        let steps = try Recipe.parse("channel-prune+int8", o)
        let report = try Compressor.run(model, inputPath: dir + "/cnn.edge", outputPath: dir + "/out.edge", steps: steps, options: options)
        XCTAssertEqual(report.steps.map(\.method), ["channel-prune", "int8"])
        XCTAssertTrue(report.steps[1].notes?.first?.contains("observer mse") == true, "\(report.steps[1])")
        // (Agreement is with the unpruned original: pruning a random net changes it; only its presence is checked.)
        XCTAssertNotNil(report.agreement)
        let decoded = try JSONDecoder().decode(CompressionReport.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/out.report.json")))
        XCTAssertEqual(decoded, report)
        let written = try ModelFile.load(path: dir + "/out.edge")
        XCTAssertEqual(written.metadata.variant.method, "channel-prune+int8")
        XCTAssertEqual(written.metadata.variant.parameters["int8.observer"], "mse")
        let convWeights = written.graph.initializers.values.filter { $0.dtype == .int8 && $0.shape.count == 4 }
        XCTAssertEqual(convWeights.count, 4)
        XCTAssertTrue(convWeights.contains { $0.shape == [6, 3, 3, 3] }, "conv1: 8 channels pruned by 25 %, then int8")
        let weightBytes = { (g: Graph) in g.initializers.values.filter { $0.count > 1 }.reduce(0) { $0 + $1.byteCount } }
        XCTAssertLessThan(weightBytes(written.graph) * 3, weightBytes(model.graph), "pruned and int8 weights")
        let ops = try InferenceSession(graph: written.graph).plan(for: [rng.tensor([1, 3, 12, 12])]).stepOps
        XCTAssertTrue(ops.contains("QLinearConv") && !ops.contains("Conv"), "\(ops)")
    }
}
