import EdgeONNX
import EdgeRuntime
import Foundation
import XCTest

/// Runs python3 for the tests that compare with the onnx package or ONNX Runtime.
enum PythonRunner {
    /// Runs `python3 arguments…` with `stdin`, returning stdout. Throws `XCTSkip` when python3
    /// or a module it imports (onnx, onnxruntime) is missing, an `EdgeError` on other failures.
    static func run(_ arguments: [String], stdin: String = "") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        // stderr goes to a file: a full pipe nobody reads would block the script.
        let errorsURL = FileManager.default.temporaryDirectory.appendingPathComponent("python-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorsURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorsURL) }
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorsURL)
        do { try process.run() } catch { throw XCTSkip("python3 not available") }
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errText = (try? String(contentsOf: errorsURL, encoding: .utf8)) ?? ""
        if process.terminationStatus != 0, errText.contains("ModuleNotFoundError") {
            throw XCTSkip("python3 lacks onnx/onnxruntime (pip install onnx onnxruntime): check not run")
        }
        guard process.terminationStatus == 0 else {
            throw EdgeError(.io, "python3 \(arguments.first ?? "") failed: \(errText.suffix(500))")
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension PythonRunner {
    /// Exports `graph` to ONNX, runs it in ONNX Runtime on `x` (fed as input `x`) and returns
    /// ORT's first output; with `checkModel`, `onnx.checker` must accept the export first.
    static func runExportInORT(_ graph: Graph, x: Tensor, checkModel: Bool = false) throws -> Tensor {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ort-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.onnx"), input = dir.appendingPathComponent("x.npy").path
        let output = dir.appendingPathComponent("y.npy").path
        try Data(try ONNXExporter.encode(graph)).write(to: model)
        try Npy.write(x, path: input)
        let runner = "import sys, numpy as np, onnx, onnxruntime as ort\n"
            + (checkModel ? "onnx.checker.check_model(onnx.load(sys.argv[1]))\n" : "")
            + "s = ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])\n"
            + "np.save(sys.argv[3], s.run(None, {'x': np.load(sys.argv[2])})[0])\n"
        _ = try run(["-c", runner, model.path, input, output])
        return try Npy.read(path: output)
    }
}
