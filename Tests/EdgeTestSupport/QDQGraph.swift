import EdgeRuntime

/// A small float network in ONNX Runtime's QDQ form (every layer input DequantizeLinear, every
/// layer output QuantizeLinear), built with seeded parameters for the QDQ-fusion and export tests:
///
///     x → Q → DQ → Conv 3×3 (per-channel w, int32 DQ bias) → Relu → Q → DQ
///       → Conv depthwise 3×3 s2 (per-tensor w, float bias) → Clip(0, 6) → Q → DQ
///       → GlobalAveragePool → Flatten → Q → DQ → Gemm (transB, per-channel w, float bias) → Relu → Q → DQ → y
public enum QDQGraph {
    public static let inputShape = [1, 4, 10, 10]
    /// Scale of the last QuantizeLinear: one output quantization step.
    public static let outputStep: Float = 0.02

    public static func make(seed: UInt64 = 5) -> Graph {
        var rng = SeededRandom(seed: seed)
        var g = Graph(name: "qdq", inputs: [ValueInfo(name: "x", dtype: .float32, shape: inputShape.map { .fixed($0) })],
                      outputs: [ValueInfo(name: "y", dtype: .float32, shape: nil)])
        func add(_ name: String, _ t: Tensor) -> String { g.initializers[name] = t; return name }
        func node(_ op: String, _ inputs: [String], _ out: String, _ attrs: [String: Attribute] = [:]) -> String {
            g.nodes.append(Node(name: out + "_node", op: op, inputs: inputs, outputs: [out], attributes: attrs))
            return out
        }
        func qdq(_ v: String, _ scale: Float, _ zero: UInt8) -> String {
            let s = add(v + "_s", Tensor(scalar: scale)), z = add(v + "_z", Tensor(scalar: zero))
            return node("DequantizeLinear", [node("QuantizeLinear", [v, s, z], v + "_q"), s, z], v + "_dq")
        }
        func weights(_ name: String, _ shape: [Int], perChannelAxis: Int?) -> (String, [Float]) {
            let n = shape.reduce(1, *)
            let q = (0..<n).map { _ in Int8(Int(rng.next() % 255) - 127) }
            let channels = perChannelAxis.map { shape[$0] } ?? 1
            let scales = (0..<channels).map { _ in rng.float(0.002, 0.006) }
            let s = add(name + "_s", try! Tensor(scales, shape: perChannelAxis == nil ? [] : [channels]))
            let z = add(name + "_z", try! Tensor([Int8](repeating: 0, count: channels), shape: perChannelAxis == nil ? [] : [channels]))
            let w = add(name + "_q", try! Tensor(q, shape: shape))
            var attrs: [String: Attribute] = [:]
            if let axis = perChannelAxis { attrs["axis"] = .int(axis) }
            return (node("DequantizeLinear", [w, s, z], name, attrs), scales)
        }
        let xs: Float = 0.01
        var v = qdq("x", xs, 128)
        let (w1, s1) = weights("w1", [8, 4, 3, 3], perChannelAxis: 0)
        let b1 = add("b1_q", try! Tensor((0..<8).map { _ in Int32(Int(rng.next() % 4001) - 2000) }, shape: [8]))
        let b1s = add("b1_s", try! Tensor(s1.map { xs * $0 }, shape: [8]))
        let b1dq = node("DequantizeLinear", [b1, b1s], "b1", ["axis": .int(0)])
        v = node("Conv", [v, w1, b1dq], "c1", ["pads": .ints([1, 1, 1, 1])])
        v = qdq(node("Relu", [v], "r1"), 0.03, 0)
        let (w2, _) = weights("w2", [8, 1, 3, 3], perChannelAxis: nil)
        let b2 = add("b2", rng.tensor([8], -0.2, 0.2))
        v = node("Conv", [v, w2, b2], "c2", ["group": .int(8), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])])
        let lo = add("lo", Tensor(scalar: Float(0))), hi = add("hi", Tensor(scalar: Float(6)))
        v = qdq(node("Clip", [v, lo, hi], "r2"), 0.01, 0)
        v = node("Flatten", [node("GlobalAveragePool", [v], "gap")], "flat")
        v = qdq(v, 0.005, 0)
        let (w3, _) = weights("w3", [6, 8], perChannelAxis: 0)
        v = node("Gemm", [v, w3, add("b3", rng.tensor([6], -0.1, 0.1))], "fc", ["transB": .int(1)])
        v = qdq(node("Relu", [v], "r3"), outputStep, 0)
        g.nodes.append(Node(name: "out", op: "Identity", inputs: [v], outputs: ["y"]))
        return g
    }
}
