import EdgeONNX
import EdgeRuntime
import Foundation

/// Largest input tensor the harness feeds; bigger declared inputs are imported but not run.
let maxInputElements = 1 << 16

/// One libFuzzer iteration: import the bytes as an ONNX model and, if that succeeds, run it
/// once on zero inputs of the declared shapes (symbolic dims = 1). Errors are expected;
/// crashes, sanitizer reports, leaks and hangs are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNXImport(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    guard let graph = try? ONNXImporter.decode(data, baseDirectory: nil),
          let session = try? InferenceSession(graph: graph) else { return 0 }
    var feeds: [Tensor] = []
    for info in session.inputs {
        guard let dims = info.shape else { return 0 }
        let shape = dims.map { $0.value ?? 1 }
        guard let n = try? ShapeMath.elementCount(shape), n <= maxInputElements,
              let t = try? Tensor(zeros: info.dtype, shape: shape) else { return 0 }
        feeds.append(t)
    }
    _ = try? session.run(feeds)
    return 0
}
