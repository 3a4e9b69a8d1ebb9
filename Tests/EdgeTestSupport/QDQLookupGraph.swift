import EdgeRuntime

/// DequantizeLinear → one element-wise float op → QuantizeLinear graphs (what ONNX Runtime's QDQ
/// quantization leaves around HardSigmoid, Sigmoid, …), for the QDQLookup pass tests.
public enum QDQLookupGraph {
    public static let inputShape = [3, 5, 7] // odd element count: vector tails are covered too

    /// Input "x" (`xType`, uint8 or int8) → DQ(x_s, x_z) → `op` (attributes, constant extra inputs)
    /// → Q(y_s, y_z, `yType`) → "y". `perAxis`: x's scale and zero point are per-channel (axis 1).
    public static func make(op: String, attributes: [String: Attribute] = [:], extra: [Tensor?] = [],
                            xType: DType = .uint8, yType: DType = .uint8, perAxis: Bool = false) throws -> Graph {
        var g = Graph(name: "lookup-\(op)")
        g.inputs = [ValueInfo(name: "x", dtype: xType, shape: inputShape.map { .fixed($0) })]
        let channels = perAxis ? inputShape[1] : 1
        g.initializers["x_s"] = perAxis ? try Tensor((0..<channels).map { 0.021 + Float($0) * 0.003 }, shape: [channels])
                                        : Tensor(scalar: Float(0.0317))
        g.initializers["x_z"] = try zeroPoint(xType, 131, count: perAxis ? channels : nil)
        g.initializers["y_s"] = Tensor(scalar: Float(0.0079))
        g.initializers["y_z"] = try zeroPoint(yType, 3, count: nil)
        var opInputs = ["xf"]
        for (i, t) in extra.enumerated() {
            guard let t else { opInputs.append(""); continue }
            g.initializers["c\(i)"] = t
            opInputs.append("c\(i)")
        }
        g.nodes = [
            Node(name: "dq", op: "DequantizeLinear", inputs: ["x", "x_s", "x_z"], outputs: ["xf"]),
            Node(name: "f", op: op, inputs: opInputs, outputs: ["yf"], attributes: attributes),
            Node(name: "q", op: "QuantizeLinear", inputs: ["yf", "y_s", "y_z"], outputs: ["y"]),
        ]
        g.outputs = [ValueInfo(name: "y", dtype: yType, shape: nil)]
        return g
    }

    /// Every 8-bit value in order, then seeded random ones, as `dtype` of `inputShape`.
    public static func input(_ dtype: DType, seed: UInt64) throws -> Tensor {
        var state = seed
        let n = inputShape.reduce(1, *)
        let bytes = (0..<n).map { i -> UInt8 in
            if i < 256 { return UInt8(i) }
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        return dtype == .uint8 ? try Tensor(bytes, shape: inputShape)
                               : try Tensor(bytes.map { Int8(bitPattern: $0) }, shape: inputShape)
    }

    /// The raw bytes of an 8-bit tensor.
    public static func bytes(_ t: Tensor) -> [UInt8] {
        (0..<t.count).map { t.rawPointer.load(fromByteOffset: $0, as: UInt8.self) }
    }

    private static func zeroPoint(_ dtype: DType, _ v: Int, count: Int?) throws -> Tensor {
        let shape = count.map { [$0] } ?? []
        let n = count ?? 1
        return dtype == .uint8 ? try Tensor([UInt8](repeating: UInt8(v), count: n), shape: shape)
                               : try Tensor([Int8](repeating: Int8(truncatingIfNeeded: v - 128), count: n), shape: shape)
    }
}
