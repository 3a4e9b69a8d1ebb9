import EdgeONNX
import EdgeRuntime
import Foundation

/// libFuzzer entry point: the first byte picks a parser, the rest is its input. Every parser
/// must return or throw `EdgeError` — a crash, hang or sanitizer report is a bug.
///   0: our model file (`ModelFile.decode`), then compile + run whatever was accepted
///   1: an ONNX model (`ONNXImporter.decode`), then compile + run whatever was accepted
///   2: a `.npy` file
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 3 {
    case 0:
        if let model = try? ModelFile.decode(bytes, verifyChecksum: false) { exercise(model.graph) }
    case 1:
        if let graph = try? ONNXImporter.decode(Data(bytes), baseDirectory: nil) { exercise(graph) }
    default:
        _ = try? Npy.decode(bytes)
    }
    return 0
}

/// Compiles and runs an accepted graph on small zero inputs of its declared shapes.
private func exercise(_ graph: Graph) {
    guard let session = try? InferenceSession(graph: graph) else { return }
    var inputs: [Tensor] = []
    for info in session.inputs {
        let shape = (info.shape ?? [.fixed(1)]).map { min($0.value ?? 1, 64) }
        guard shape.reduce(1, *) <= 1 << 16, let t = try? Tensor(zeros: info.dtype, shape: shape) else { return }
        inputs.append(t)
    }
    _ = try? session.run(inputs)
}
