import EdgeONNX
import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

private typealias B = ONNXModelBuilder

/// Tensor decoding (typed fields, raw data, external data): every malformed tensor must give
/// an `EdgeError`, never a crash. Hostile model structure: `ONNXHostileModelTests`.
final class ONNXImporterInputTests: XCTestCase {
    /// A model whose only node reads the initializer `w` (so the tensor is decoded and used).
    private func modelUsing(_ w: Onnx_TensorProto, opset: Int = 13) -> Onnx_ModelProto {
        B.model(opset: opset, nodes: [B.node("Relu", ["w"], ["y"])], inputs: [], outputs: ["y"], initializers: [w])
    }

    private func typed(_ dtype: DType, dims: [Int64], _ fill: (inout Onnx_TensorProto) -> Void) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = "w"
        t.dataType = Int32(dtype.rawValue)
        t.dims = dims
        fill(&t)
        return t
    }

    private func initializer(_ t: Onnx_TensorProto) throws -> Tensor {
        try XCTUnwrap(try B.importModel(modelUsing(t), checkOperators: false).initializers["w"])
    }

    func testTypedFieldsDecodeEveryPackingOfOnnxProto() throws {
        XCTAssertEqual(try initializer(typed(.float32, dims: [2]) { $0.floatData = [1.5, -2] }).scalars(as: Float.self), [1.5, -2])
        XCTAssertEqual(try initializer(typed(.float64, dims: [1]) { $0.doubleData = [0.25] }).scalars(as: Double.self), [0.25])
        XCTAssertEqual(try initializer(typed(.int64, dims: [2]) { $0.int64Data = [-7, 1 << 40] }).scalars(as: Int64.self), [-7, 1 << 40])
        XCTAssertEqual(try initializer(typed(.int32, dims: [2]) { $0.int32Data = [-3, 9] }).scalars(as: Int32.self), [-3, 9])
        XCTAssertEqual(try initializer(typed(.int8, dims: [2]) { $0.int32Data = [-128, 127] }).scalars(as: Int8.self), [-128, 127])
        XCTAssertEqual(try initializer(typed(.uint8, dims: [2]) { $0.int32Data = [0, 255] }).scalars(as: UInt8.self), [0, 255])
        XCTAssertEqual(try initializer(typed(.bool, dims: [3]) { $0.int32Data = [0, 1, 5] }).scalars(as: Bool.self), [false, true, true])
        XCTAssertEqual(try initializer(typed(.int16, dims: [1]) { $0.int32Data = [-300] }).intValues(), [-300])
        XCTAssertEqual(try initializer(typed(.uint64, dims: [1]) { $0.uint64Data = [42] }).intValues(), [42])
        XCTAssertEqual(try initializer(typed(.uint32, dims: [1]) { $0.uint64Data = [7] }).intValues(), [7])
        // float16 1.0 = 0x3C00, stored as its bit pattern in int32_data.
        let half = try initializer(typed(.float16, dims: [1]) { $0.int32Data = [0x3C00] })
        XCTAssertEqual(half.rawPointer.load(as: UInt16.self), 0x3C00)
        // Raw little-endian bytes, and an empty tensor without data.
        XCTAssertEqual(try initializer(B.floatTensor("w", [1, 2, 3, 4], [2, 2])).scalars(as: Float.self), [1, 2, 3, 4])
        XCTAssertEqual(try initializer(typed(.float32, dims: [0, 3]) { _ in }).shape, [0, 3])
    }

    func testElementCountMustMatchShape() throws {
        let cases: [(String, Onnx_TensorProto)] = [
            ("too few floats", typed(.float32, dims: [3]) { $0.floatData = [1, 2] }),
            ("too many int64", typed(.int64, dims: [1]) { $0.int64Data = [1, 2] }),
            ("no data", typed(.float32, dims: [2]) { _ in }),
            ("raw_data too short", typed(.float32, dims: [2]) { $0.rawData = Data(count: 7) }),
            ("raw_data too long", typed(.int64, dims: [1]) { $0.rawData = Data(count: 9) }),
            ("negative dim", typed(.float32, dims: [-1]) { $0.floatData = [] }),
            ("overflowing dims", typed(.float32, dims: [1 << 40, 1 << 40, 1 << 40]) { $0.floatData = [1] }),
            // 2^39 elements pass the element limit but must be rejected before allocation.
            ("huge shape, 4 raw bytes", typed(.float32, dims: [1 << 20, 1 << 19]) { $0.rawData = Data(count: 4) }),
            ("huge shape, 1 float", typed(.float32, dims: [1 << 20, 1 << 19]) { $0.floatData = [1] }),
            ("string tensor", typed(.float32, dims: [1]) { $0.dataType = 8; $0.stringData = [Data("a".utf8)] }),
            ("unknown dtype", typed(.float32, dims: [1]) { $0.dataType = 999; $0.floatData = [1] }),
        ]
        for (what, t) in cases {
            assertEdgeError(what) { _ = try B.importModel(modelUsing(t), checkOperators: false) }
        }
    }

    func testExternalDataInsideTheModelDirectoryLoads() throws {
        let dir = try temporaryDirectory()
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        var blob = Data(count: 16) // the tensor starts at offset 16
        blob.append(values.withUnsafeBytes { Data($0) })
        try blob.write(to: dir.appendingPathComponent("weights.bin"))
        let url = dir.appendingPathComponent("model.onnx")
        try B.bytes(modelUsing(external(location: "weights.bin", offset: 16, length: 24))).write(to: url)
        let g = try ONNXImporter.load(contentsOf: url)
        XCTAssertEqual(g.initializers["w"]?.scalars(as: Float.self), values)

        // The same bytes without a directory to resolve against are rejected.
        assertEdgeError("external data without base directory") {
            _ = try ONNXImporter.decode(try Data(contentsOf: url), baseDirectory: nil)
        }
    }

    func testExternalDataOutsideTheDirectoryOrRangeIsRejected() throws {
        let dir = try temporaryDirectory()
        try Data(count: 24).write(to: dir.appendingPathComponent("weights.bin"))
        try Data(count: 24).write(to: dir.deletingLastPathComponent().appendingPathComponent("outside-\(dir.lastPathComponent).bin"))
        try? FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.bin").path, withDestinationPath: "/etc/passwd")
        let cases: [(String, Onnx_TensorProto)] = [
            ("parent escape", external(location: "../outside-\(dir.lastPathComponent).bin", offset: 0, length: 24)),
            ("nested parent escape", external(location: "sub/../../x", offset: 0, length: 24)),
            ("absolute path", external(location: "/etc/passwd", offset: 0, length: 24)),
            ("symlink out", external(location: "link.bin", offset: 0, length: 24)),
            ("offset past end", external(location: "weights.bin", offset: 100, length: 24)),
            ("range past end", external(location: "weights.bin", offset: 8, length: 24)),
            ("length mismatch", external(location: "weights.bin", offset: 0, length: 20)),
            ("negative offset", external(location: "weights.bin", offset: -4, length: 24)),
            ("missing file", external(location: "nope.bin", offset: 0, length: 24)),
            ("no location", external(location: "", offset: 0, length: 24)),
        ]
        for (what, t) in cases {
            let url = dir.appendingPathComponent("model.onnx")
            try B.bytes(modelUsing(t)).write(to: url)
            let error = assertEdgeError(what) { _ = try ONNXImporter.load(contentsOf: url) }
            XCTAssertNotEqual(error?.code, .unsupportedOperator, what)
        }
    }

    func testLoadReportsMissingFileAsIOError() {
        let error = assertEdgeError("missing file") {
            _ = try ONNXImporter.load(contentsOf: URL(fileURLWithPath: "/nonexistent/dir/model.onnx"))
        }
        XCTAssertEqual(error?.code, .io)
    }

    private func external(location: String, offset: Int, length: Int) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = "w"
        t.dataType = Int32(DType.float32.rawValue)
        t.dims = [2, 3]
        t.dataLocation = .external
        for (k, v) in [("location", location), ("offset", "\(offset)"), ("length", "\(length)")] where !(k == "location" && v.isEmpty) {
            var e = Onnx_StringStringEntryProto()
            e.key = k
            e.value = v
            t.externalData.append(e)
        }
        return t
    }

    private func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}
