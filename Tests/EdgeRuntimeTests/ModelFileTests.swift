import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

final class ModelFileTests: XCTestCase {
    /// A two-node graph (Mul by a weight, then Relu) with metadata.
    private func sampleModel() throws -> Model {
        var g = Graph(name: "sample")
        g.inputs = [ValueInfo(name: "x", dtype: .float32, shape: [.symbolic("batch"), .fixed(4)])]
        g.outputs = [ValueInfo(name: "y", dtype: .float32, shape: nil)]
        g.initializers["w"] = try Tensor([1, -2, 3, -4] as [Float], shape: [4])
        g.nodes = [
            Node(name: "mul", op: "Mul", inputs: ["x", "w"], outputs: ["m"], attributes: ["note": .string("a"), "k": .ints([1, 2])]),
            Node(name: "relu", op: "Relu", inputs: ["m"], outputs: ["y"]),
        ]
        var meta = ModelMetadata(name: "sample", task: "generic", labels: ["a", "b"])
        meta.variant = .init(name: "student-int8", method: "int8", level: 2, parameters: ["observer": "minmax"], parent: "student")
        meta.measured.accuracy["accuracy"] = 0.91
        return Model(graph: g, metadata: meta)
    }

    private func tempPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("edge-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    func testRoundTripPreservesGraphMetadataAndResults() throws {
        let model = try sampleModel()
        let path = tempPath("roundtrip.edge")
        try ModelFile.write(model, to: path)
        let loaded = try ModelFile.load(path: path)
        XCTAssertEqual(loaded.metadata, model.metadata)
        XCTAssertEqual(loaded.graph.nodes.map(\.op), ["Mul", "Relu"])
        XCTAssertEqual(loaded.graph.inputs, model.graph.inputs)
        XCTAssertEqual(try loaded.graph.nodes[0].attributes.ints("k"), [1, 2])
        let session = try InferenceSession(graph: loaded.graph)
        let y = try session.run(["x": try Tensor([1, 1, 1, 1, 2, 2, 2, 2] as [Float], shape: [2, 4])])["y"]!
        XCTAssertEqual(y.scalars(as: Float.self), [1, 0, 3, 0, 2, 0, 6, 0])
    }

    func testTensorsAreAlignedAndMappedNotCopied() throws {
        let path = tempPath("aligned.edge")
        try ModelFile.write(try sampleModel(), to: path)
        let loaded = try ModelFile.load(path: path)
        let w = loaded.graph.initializers["w"]!
        XCTAssertEqual(Int(bitPattern: w.rawPointer) % 64, 0, "tensor data must be 64-byte aligned")
        XCTAssertEqual(w.scalars(as: Float.self), [1, -2, 3, -4])
    }

    func testRejectsCorruptedAndHostileFiles() throws {
        let good = try ModelFile.encode(try sampleModel())
        func expectInvalid(_ bytes: [UInt8], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try ModelFile.decode(bytes), what, file: file, line: line) { error in
                XCTAssertTrue(error is EdgeError, "\(what): \(error)", file: file, line: line)
            }
        }
        expectInvalid([], "empty")
        expectInvalid(Array(good.prefix(40)), "truncated header")
        expectInvalid(Array(good.prefix(good.count - 3)), "truncated data")
        var magic = good; magic[0] = 0x41
        expectInvalid(magic, "wrong magic")
        var header = good; header[20] ^= 0xff
        expectInvalid(header, "header bit flip")
        var manifest = good; manifest[80] ^= 0x01
        expectInvalid(manifest, "manifest bit flip")
        var data = good; data[data.count - 1] ^= 0x10
        expectInvalid(data, "data bit flip")
    }

    /// Hostile manifests with valid checksums: the reader must validate contents, not trust them.
    func testRejectsHostileManifests() throws {
        let good = try ModelFile.encode(try sampleModel())
        let headerEnd = 64
        let manifestLength = good.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 24, as: UInt64.self))) }
        let json = String(decoding: good[headerEnd..<headerEnd + manifestLength], as: UTF8.self)
        let cases: [(String, (String) -> String)] = [
            ("offset outside data", { $0.replacingOccurrences(of: "\"offset\":0", with: "\"offset\":4096") }),
            ("misaligned offset", { $0.replacingOccurrences(of: "\"offset\":0", with: "\"offset\":3") }),
            ("overflowing shape", { $0.replacingOccurrences(of: "\"shape\":[4]", with: "\"shape\":[4611686018427387904,4]") }),
            ("negative shape", { $0.replacingOccurrences(of: "\"shape\":[4]", with: "\"shape\":[-4]") }),
            ("unknown dtype", { $0.replacingOccurrences(of: "\"dtype\":\"float32\"", with: "\"dtype\":\"complex64\"") }),
            ("unknown encoding", { $0.replacingOccurrences(of: "\"encoding\":\"raw\"", with: "\"encoding\":\"zstd\"") }),
            ("cycle", { $0.replacingOccurrences(of: "\"inputs\":[\"x\",\"w\"]", with: "\"inputs\":[\"y\",\"w\"]") }),
            ("dangling input", { $0.replacingOccurrences(of: "\"inputs\":[\"m\"]", with: "\"inputs\":[\"nowhere\"]") }),
            ("bad tensor index", { $0.replacingOccurrences(of: "\"w\":0", with: "\"w\":7") }),
            ("not json", { _ in "{{{{" }),
        ]
        for (what, mutate) in cases {
            let mutated = mutate(json)
            XCTAssertNotEqual(mutated, json, "mutation '\(what)' did not apply")
            let bytes = Self.rebuild(good, manifest: Array(mutated.utf8))
            XCTAssertThrowsError(try ModelFile.decode(bytes), what) { XCTAssertTrue($0 is EdgeError, "\(what): \($0)") }
        }
    }

    /// Re-assembles a file around a replaced manifest with correct checksums.
    static func rebuild(_ original: [UInt8], manifest: [UInt8]) -> [UInt8] {
        original.withUnsafeBytes { buf in
            let dOff = Int(UInt64(littleEndian: buf.loadUnaligned(fromByteOffset: 32, as: UInt64.self)))
            let dLen = Int(UInt64(littleEndian: buf.loadUnaligned(fromByteOffset: 40, as: UInt64.self)))
            let data = Array(original[dOff..<dOff + dLen])
            let newDataOffset = (64 + manifest.count + 63) & ~63
            var out = [UInt8](repeating: 0, count: newDataOffset + dLen)
            out.replaceSubrange(64..<64 + manifest.count, with: manifest)
            out.replaceSubrange(newDataOffset..<newDataOffset + dLen, with: data)
            var header = Array(original[0..<16])
            func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) } }
            put(UInt64(64)); put(UInt64(manifest.count)); put(UInt64(newDataOffset)); put(UInt64(dLen))
            put(CRC32C.checksum(manifest)); put(CRC32C.checksum(data))
            put(CRC32C.checksum(header)); put(UInt32(0))
            out.replaceSubrange(0..<64, with: header)
            return out
        }
    }

    func testFuzzedBytesNeverCrash() throws {
        let good = try ModelFile.encode(try sampleModel())
        var rng = SeededRandom(seed: 7)
        for _ in 0..<2000 {
            var bytes = good
            let flips = Int(rng.next() % 8) + 1
            for _ in 0..<flips { bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            if rng.next() % 4 == 0 { bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count)))) }
            _ = try? ModelFile.decode(bytes)
            _ = try? ModelFile.decode(bytes, verifyChecksum: false)
        }
    }

    /// Mutates the manifest JSON and re-seals the checksums, so the fuzzing reaches the parser
    /// and the validation behind it rather than stopping at the CRC.
    func testFuzzedManifestsNeverCrash() throws {
        let good = try ModelFile.encode(try sampleModel())
        let manifestLength = good.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 24, as: UInt64.self))) }
        let manifest = Array(good[64..<64 + manifestLength])
        let alphabet = Array("0123456789-[]{}\",:\"abcxyz.eE ".utf8)
        var rng = SeededRandom(seed: 11)
        var accepted = 0
        for _ in 0..<1500 {
            var m = manifest
            for _ in 0..<(Int(rng.next() % 4) + 1) {
                let i = Int(rng.next() % UInt64(m.count))
                switch rng.next() % 3 {
                case 0: m[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: m.remove(at: i)
                default: m.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: i)
                }
            }
            if let model = try? ModelFile.decode(Self.rebuild(good, manifest: m)) {
                accepted += 1
                // Whatever was accepted must also be safe to compile and run.
                if let session = try? InferenceSession(graph: model.graph) {
                    _ = try? session.run(["x": try Tensor([1, 2, 3, 4] as [Float], shape: [1, 4])])
                }
            }
        }
        XCTAssertLessThan(accepted, 1500, "mutations should mostly be rejected")
    }
}
