import EdgeRuntime
import EdgeTestSupport
import XCTest

/// Pruned (mostly-zero) constant weights: the CSR execution path of Conv and Gemm must match
/// the dense path, and the `csr` model-file encoding must round-trip and reject hostile data.
final class SparseWeightsTests: XCTestCase {
    /// A random tensor with the fraction `sparsity` of its entries set to exactly zero.
    private func sparseTensor(_ shape: [Int], sparsity: Double, _ rng: inout SeededRandom) throws -> Tensor {
        let n = shape.reduce(1, *)
        let values = (0..<n).map { _ -> Float in
            let keep = Double(rng.float(0, 1)) >= sparsity
            let v = rng.float()
            return keep ? v : 0
        }
        return try Tensor(values, shape: shape)
    }

    func testSparseConvMatchesDenseConv() throws {
        var rng = SeededRandom(seed: 11)
        // (Cin, Cout, kernel, stride, pad): pointwise path and im2col path, groups included.
        for (cin, cout, k, s, p, group) in [(16, 24, 1, 1, 0, 1), (8, 12, 3, 1, 1, 1), (12, 10, 3, 2, 1, 2), (6, 4, 5, 1, 2, 1)] {
            for sparsity in [0.5, 0.8, 0.97] {
                let x = rng.tensor([2, cin, 9, 7]), w = try sparseTensor([cout, cin / group, k, k], sparsity: sparsity, &rng)
                let b = rng.tensor([cout])
                let attrs: [String: Attribute] = ["strides": .ints([s, s]), "pads": .ints([p, p, p, p]), "group": .int(group),
                                                  "activation": .string("Relu")]
                // Constant weights → CSR kernel; runtime weights → dense SGEMM.
                let sparse = try SingleNode.run("Conv", [x, w, b], attributes: attrs, constants: [1, 2])[0]
                let dense = try SingleNode.run("Conv", [x, w, b], attributes: attrs, constants: [2])[0]
                XCTAssertTrue(allClose(sparse, dense, rtol: 1e-5, atol: 1e-5), "Cin \(cin) Cout \(cout) k \(k) sparsity \(sparsity): \(maxDifference(sparse, dense))")
            }
        }
    }

    func testSparseGemmMatchesDenseGemm() throws {
        var rng = SeededRandom(seed: 12)
        for (m, k, n) in [(1, 64, 48), (5, 33, 17), (16, 128, 96)] {
            for transB in [false, true] {
                for cShape in [nil, [n]] as [[Int]?] {
                    let a = rng.tensor([m, k]), b = try sparseTensor(transB ? [n, k] : [k, n], sparsity: 0.85, &rng)
                    let c = cShape.map { rng.tensor($0) }
                    let attrs: [String: Attribute] = ["transB": .int(transB ? 1 : 0), "alpha": .float(0.5), "activation": .string("Tanh")]
                    let sparse = try SingleNode.run("Gemm", [a, b, c], attributes: attrs, constants: [1])[0]
                    let dense = try SingleNode.run("Gemm", [a, b, c], attributes: attrs)[0]
                    XCTAssertTrue(allClose(sparse, dense, rtol: 1e-4, atol: 1e-5), "m \(m) k \(k) n \(n) transB \(transB): \(maxDifference(sparse, dense))")
                }
            }
        }
    }

    private func prunedModel() throws -> Model {
        var rng = SeededRandom(seed: 13)
        var g = Graph(name: "pruned")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(32)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["w"] = try sparseTensor([32, 64], sparsity: 0.9, &rng)
        g.initializers["b"] = rng.tensor([64])
        g.nodes = [Node(name: "fc", op: "Gemm", inputs: ["x", "w", "b"], outputs: ["y"])]
        return Model(graph: g, metadata: ModelMetadata(name: "pruned"))
    }

    func testCSREncodingRoundTripsAndShrinksTheFile() throws {
        let model = try prunedModel()
        let raw = try ModelFile.encode(model), csr = try ModelFile.encode(model, sparseTensors: true)
        XCTAssertLessThan(csr.count, raw.count * 2 / 3, "a 90 % sparse weight must shrink the file")
        XCTAssertTrue(String(decoding: csr, as: UTF8.self).contains("\"encoding\":\"csr\""))
        let back = try ModelFile.decode(csr)
        for (name, t) in model.graph.initializers {
            XCTAssertEqual(back.graph.initializers[name]?.shape, t.shape)
            XCTAssertEqual(back.graph.initializers[name]?.scalars(as: Float.self), t.scalars(as: Float.self), name)
        }
    }

    /// Offset of the csr blob inside the file and the row count.
    private func csrLayout(_ bytes: [UInt8]) -> (blob: Int, rows: Int, nnz: Int) {
        let manifestLength = bytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 24, as: UInt64.self))) }
        let json = String(decoding: bytes[64..<64 + manifestLength], as: UTF8.self)
        let entry = json.components(separatedBy: "\"encoding\":\"csr\"")[1]
        func field(_ key: String) -> Int {
            let tail = entry.components(separatedBy: "\"\(key)\":")[1]
            return Int(tail.prefix { $0.isNumber })!
        }
        let dataOffset = bytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 32, as: UInt64.self))) }
        return (dataOffset + field("offset"), 32, field("nnz"))
    }

    /// Writes a little-endian Int32 and re-seals the data and header checksums.
    private func patched(_ good: [UInt8], at offset: Int, _ value: Int32) -> [UInt8] {
        var bytes = good
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<offset + 4, with: $0) }
        bytes.withUnsafeMutableBytes { buf in
            let dOff = Int(UInt64(littleEndian: buf.loadUnaligned(fromByteOffset: 32, as: UInt64.self)))
            let dLen = Int(UInt64(littleEndian: buf.loadUnaligned(fromByteOffset: 40, as: UInt64.self)))
            let dataCRC = CRC32C.checksum(Array(buf[dOff..<dOff + dLen]))
            buf.storeBytes(of: dataCRC.littleEndian, toByteOffset: 52, as: UInt32.self)
            let headerCRC = CRC32C.checksum(Array(buf[0..<56]))
            buf.storeBytes(of: headerCRC.littleEndian, toByteOffset: 56, as: UInt32.self)
        }
        return bytes
    }

    func testCSRReaderRejectsHostileIndices() throws {
        let good = try ModelFile.encode(try prunedModel(), sparseTensors: true)
        XCTAssertNoThrow(try ModelFile.decode(good))
        let (blob, rows, nnz) = csrLayout(good)
        let cols = blob + 4 * (rows + 1)
        let cases: [(String, Int, Int32)] = [
            ("first row pointer not 0", blob, 1),
            ("row pointer decreasing", blob + 4 * 5, 0),
            ("row pointer past nnz", blob + 4 * 3, Int32(nnz + 100)),
            ("negative row pointer", blob + 4 * 2, -7),
            ("last row pointer short", blob + 4 * rows, Int32(nnz - 1)),
            ("column out of range", cols, 64),
            ("negative column", cols + 4, -1),
            ("column repeated", cols + 4, 0),
        ]
        for (what, offset, value) in cases {
            let bytes = patched(good, at: offset, value)
            XCTAssertThrowsError(try ModelFile.decode(bytes), what) { error in
                XCTAssertEqual((error as? EdgeError)?.code, .invalidModel, "\(what): \(error)")
            }
        }
        // Manifest-level lies about the blob.
        let manifestLength = good.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 24, as: UInt64.self))) }
        let json = String(decoding: good[64..<64 + manifestLength], as: UTF8.self)
        for (what, from, to) in [("nnz too large", "\"nnz\":\(nnz)", "\"nnz\":\(nnz + 1)"),
                                 ("nnz negative", "\"nnz\":\(nnz)", "\"nnz\":-3"),
                                 ("nnz missing", ",\"nnz\":\(nnz)", ""),
                                 ("csr on int tensor", "\"dtype\":\"float32\",\"encoding\":\"csr\"", "\"dtype\":\"int32\",\"encoding\":\"csr\"")] {
            let mutated = json.replacingOccurrences(of: from, with: to)
            XCTAssertNotEqual(mutated, json, what)
            XCTAssertThrowsError(try ModelFile.decode(ModelFileTests.rebuild(good, manifest: Array(mutated.utf8))), what) { error in
                XCTAssertTrue(error is EdgeError, "\(what): \(error)")
            }
        }
    }
}
