import EdgeONNX
import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

/// Runs the ONNX package's PyTorch backend test cases (`pytorch-converted`, `pytorch-operator`:
/// mostly opset 6 models) through the importer and `InferenceSession`, comparing with the
/// stored outputs within rtol 1e-3 / atol 1e-4.
///
/// A case is skipped only when the model uses an op the runtime does not implement; every
/// other import error, run error or mismatch fails the test.
/// Data location: `ONNX_TEST_DATA` (the `backend/test/data` directory or the onnx package
/// directory), else the installed `onnx` Python package.
final class ONNXConformanceTests: XCTestCase {
    static let rtol: Float = 1e-3
    static let atol: Float = 1e-4
    static let suites = ["pytorch-converted", "pytorch-operator"]

    enum Outcome {
        case passed
        case skipped(unsupported: Set<String>)
        case failed(String)
    }

    func testPyTorchBackendCases() throws {
        let root = try Self.dataDirectory()
        var passed = 0
        var failures: [String] = []
        var skippedCases: [String] = []
        var unsupported: [String: Int] = [:]
        for suite in Self.suites {
            let suiteURL = root.appendingPathComponent(suite)
            let cases = try FileManager.default.contentsOfDirectory(atPath: suiteURL.path).sorted()
            for name in cases {
                switch Self.run(case: suiteURL.appendingPathComponent(name)) {
                case .passed: passed += 1
                case .failed(let why): failures.append("\(suite)/\(name): \(why)")
                case .skipped(let ops):
                    skippedCases.append(name)
                    for op in ops { unsupported[op, default: 0] += 1 }
                }
            }
        }
        let opList = unsupported.keys.sorted().map { "\($0)×\(unsupported[$0]!)" }.joined(separator: ", ")
        print("ONNX conformance: \(passed) passed, \(failures.count) failed, \(skippedCases.count) skipped (unsupported ops: \(opList.isEmpty ? "none" : opList))")
        for failure in failures { XCTFail(failure) }
        XCTAssertGreaterThan(passed + failures.count + skippedCases.count, 100, "expected the full PyTorch backend suites")
    }

    /// Imports, runs and checks one case directory (model.onnx + test_data_set_*).
    static func run(case dir: URL) -> Outcome {
        let graph: Graph
        do {
            graph = try ONNXImporter.load(contentsOf: dir.appendingPathComponent("model.onnx"), checkOperators: false)
        } catch {
            return .failed("import: \(error)")
        }
        let missing = Set(graph.nodes.map(\.op)).subtracting(OpRegistry.supportedOps)
        guard missing.isEmpty else { return .skipped(unsupported: missing) }
        do {
            let session = try InferenceSession(graph: graph)
            let sets = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("test_data_set_") }.sorted()
            guard !sets.isEmpty else { return .failed("no test_data_set_* directory") }
            for set in sets {
                let setURL = dir.appendingPathComponent(set)
                let inputs = try tensors(in: setURL, prefix: "input_")
                let expected = try tensors(in: setURL, prefix: "output_")
                let outputs = try session.run(inputs)
                guard outputs.count == expected.count else {
                    return .failed("\(set): \(outputs.count) outputs, expected \(expected.count)")
                }
                for (i, (got, want)) in zip(outputs, expected).enumerated() {
                    guard got.shape == want.shape, got.dtype == want.dtype else {
                        return .failed("\(set) output \(i): got \(got), expected \(want)")
                    }
                    guard allClose(got, want, rtol: rtol, atol: atol) else {
                        let d = maxDifference(got, want)
                        return .failed("\(set) output \(i): max abs diff \(d.abs), max rel diff \(d.rel)")
                    }
                }
            }
            return .passed
        } catch {
            return .failed("\(error)")
        }
    }

    /// `prefix0.pb`, `prefix1.pb`, … in index order, decoded by the importer's tensor reader.
    static func tensors(in dir: URL, prefix: String) throws -> [Tensor] {
        var result: [Tensor] = []
        while true {
            let url = dir.appendingPathComponent("\(prefix)\(result.count).pb")
            guard FileManager.default.fileExists(atPath: url.path) else { return result }
            result.append(try ONNXImporter.decodeTensor(try Data(contentsOf: url)).tensor)
        }
    }

    /// The onnx package's `backend/test/data` directory, or a skip explaining how to get it.
    static func dataDirectory() throws -> URL {
        if let env = ProcessInfo.processInfo.environment["ONNX_TEST_DATA"], !env.isEmpty {
            let url = URL(fileURLWithPath: env)
            let direct = FileManager.default.fileExists(atPath: url.appendingPathComponent(suites[0]).path)
            return direct ? url : url.appendingPathComponent("backend/test/data")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import onnx,os;print(os.path.dirname(onnx.__file__))"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw XCTSkip("python3 not found; install onnx (pip install onnx) or set ONNX_TEST_DATA") }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let path = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !path.isEmpty else {
            throw XCTSkip("the onnx Python package is not installed (pip install onnx) and ONNX_TEST_DATA is not set; conformance cases not run")
        }
        let data = URL(fileURLWithPath: path).appendingPathComponent("backend/test/data")
        guard FileManager.default.fileExists(atPath: data.appendingPathComponent(suites[0]).path) else {
            throw XCTSkip("onnx at \(path) ships no backend test data; set ONNX_TEST_DATA")
        }
        return data
    }
}
