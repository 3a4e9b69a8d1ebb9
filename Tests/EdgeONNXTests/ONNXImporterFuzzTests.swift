import EdgeONNX
import EdgeRuntime
import EdgeTestSupport
import Foundation
import XCTest

private typealias B = ONNXModelBuilder

/// Seeded mutation fuzzing: bit flips, truncations, splices and random insertions of a valid
/// model's bytes go through the importer and, when they import, through an inference with
/// inputs of the declared shapes. Errors are fine; crashes and hangs are not.
final class ONNXImporterFuzzTests: XCTestCase {
    static let mutations = 3000
    /// Inputs larger than this are not run (a mutated dim may ask for gigabytes legitimately).
    static let maxInputElements = 1 << 16

    func seedModel() -> Data {
        var rng = SeededRandom(seed: 11)
        let nodes = [
            B.node("Mul", ["x", "w"], ["m"]),
            B.node("Add", ["m", "b"], ["a"], [B.int("broadcast", 1)]),
            B.node("Clip", ["a"], ["c"], [B.float("min", -1), B.float("max", 1)]),
            B.node("Sigmoid", ["c"], ["s"]),
            B.node("Sub", ["s", "k"], ["y"]),
            B.node("Constant", [], ["k"], [B.float("value_float", 0.5)]),
        ]
        return B.bytes(B.model(opset: 6, nodes: nodes, inputs: [("x", .float32, [2, 3, 4])], outputs: ["y"],
                               initializers: [B.floatTensor("w", rng.tensor([3, 4]).scalars(), [3, 4]),
                                              B.floatTensor("b", [0.5, -0.5, 0.25, 1], [4])]))
    }

    func testMutatedModelsNeverCrash() throws {
        let seed = seedModel()
        let original = try ONNXImporter.decode(seed, baseDirectory: nil)
        XCTAssertEqual(original.nodes.count, 5) // the Constant became an initializer
        var rng = SeededRandom(seed: 2024)
        var imported = 0, ran = 0
        for _ in 0..<Self.mutations {
            let mutated = mutate(seed, &rng)
            guard let graph = try? ONNXImporter.decode(mutated, baseDirectory: nil) else { continue }
            imported += 1
            if (try? runOnce(graph, &rng)) != nil { ran += 1 }
        }
        print("ONNX fuzz: \(Self.mutations) mutations, \(imported) imported, \(ran) ran")
        XCTAssertGreaterThan(imported, 0, "some mutations (e.g. of float weights) should still import")
    }

    /// An opset-9 model full of attributes the translator rewrites (pads, axes, split, slice
    /// ranges, scales, legacy Softmax). Its mutations are imported but not run: a mutated
    /// attribute may legally ask for a terabyte-sized output.
    func translatorSeedModel() -> Data {
        let nodes = [
            B.node("Pad", ["x"], ["p"], [B.ints("pads", [0, 0, 1, 1, 0, 0, 1, 1]), B.float("value", 0.5)]),
            B.node("Upsample", ["p", "scales"], ["u"], [B.string("mode", "nearest")]),
            B.node("Slice", ["u"], ["s"], [B.ints("starts", [0, 1]), B.ints("ends", [1, 5]), B.ints("axes", [1, 2])]),
            B.node("Split", ["s"], ["s0", "s1"], [B.int("axis", 3), B.ints("split", [2, 6])]),
            B.node("Squeeze", ["s0"], ["q"], [B.ints("axes", [1])]),
            B.node("ReduceMean", ["q"], ["r"], [B.ints("axes", [2])]),
            B.node("Softmax", ["r"], ["y"], [B.int("axis", 1)]),
            B.node("Clip", ["s1"], ["c"], [B.float("min", 0), B.float("max", 6)]),
        ]
        return B.bytes(B.model(opset: 9, nodes: nodes, inputs: [("x", .float32, [1, 2, 2, 2])], outputs: ["y", "c"],
                               initializers: [B.floatTensor("scales", [1, 1, 2, 2], [4])]))
    }

    func testMutatedOldOpsetModelsImportOrFailCleanly() throws {
        let seed = translatorSeedModel()
        XCTAssertEqual(try ONNXImporter.decode(seed, baseDirectory: nil, checkOperators: false).nodes.count, 8)
        var rng = SeededRandom(seed: 77)
        var imported = 0
        for _ in 0..<Self.mutations {
            if (try? ONNXImporter.decode(mutate(seed, &rng), baseDirectory: nil, checkOperators: false)) != nil { imported += 1 }
        }
        print("ONNX translator fuzz: \(Self.mutations) mutations, \(imported) imported")
        XCTAssertGreaterThan(imported, 0)
    }

    private func runOnce(_ graph: Graph, _ rng: inout SeededRandom) throws {
        let session = try InferenceSession(graph: graph)
        var feeds: [Tensor] = []
        for info in session.inputs {
            let shape = (info.shape ?? []).map { $0.value ?? 1 }
            guard try ShapeMath.elementCount(shape) <= Self.maxInputElements else { throw EdgeError(.tooLarge, "input too large") }
            feeds.append(info.dtype == .float32 ? rng.tensor(shape) : try Tensor(zeros: info.dtype, shape: shape))
        }
        _ = try session.run(feeds)
    }

    private func mutate(_ data: Data, _ rng: inout SeededRandom) -> Data {
        var bytes = [UInt8](data)
        func index() -> Int { Int(rng.next() % UInt64(max(bytes.count, 1))) }
        switch rng.next() % 5 {
        case 0: // flip 1–4 bits
            for _ in 0...(rng.next() % 4) where !bytes.isEmpty { bytes[index()] ^= UInt8(1 << (rng.next() % 8)) }
        case 1: // truncate
            bytes = Array(bytes.prefix(index()))
        case 2: // splice a chunk of the file over another place
            let from = index(), to = index(), length = Int(rng.next() % 32)
            for i in 0..<length where from + i < bytes.count && to + i < bytes.count { bytes[to + i] = bytes[from + i] }
        case 3: // insert random bytes
            let at = index()
            bytes.insert(contentsOf: (0..<(1 + rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
        default: // overwrite a byte with an "interesting" value (length/varint boundaries)
            if !bytes.isEmpty { bytes[index()] = [0x00, 0x7F, 0x80, 0xFF, 0x01][Int(rng.next() % 5)] }
        }
        return Data(bytes)
    }
}
