import EdgeRuntime

/// A built architecture: the layer graph plus the values the losses read.
public struct Network: @unchecked Sendable {
    public let graph: TrainGraph
    /// "speech" | "detection" | "recommendation" | "classification".
    public let task: String
    /// Value ids the objective reads: "logits" (classifier / ranker), "heatmap_logits" and "boxes" (detector).
    public let heads: [String: Int]
    /// An intermediate feature map for feature-hint distillation (value id), if the architecture marks one.
    public let hint: TValue?
    /// The builder seed and options, recorded in the exported model's metadata.
    public let description: String
}

/// Shared building blocks of the architectures.
struct Blocks {
    let g: TrainGraph
    var rng: SplitMix64

    /// conv → batch norm → activation (nil: none). Convs followed by BN carry no bias.
    mutating func convBN(_ x: TValue, _ out: Int, kernel: (Int, Int), stride: Int = 1, padding: (Int, Int)? = nil,
                         groups: Int = 1, act: ActivationKind?) throws(EdgeError) -> TValue {
        var y = try g.add(Conv2D(name: g.uniqueName("conv"), inChannels: x.channels, outChannels: out, kernel: kernel, stride: stride,
                                 padding: padding, groups: groups, bias: false, rng: &rng), [x])
        y = try g.add(BatchNorm(name: g.uniqueName("bn"), channels: out), [y])
        if let act { y = try g.add(Activation(name: g.uniqueName(act.rawValue), kind: act), [y]) }
        return y
    }

    /// Depthwise-separable block: 3×3 depthwise (stride) + BN + act, 1×1 pointwise + BN + act;
    /// a residual connection when shapes allow and `residual` is set.
    mutating func separable(_ x: TValue, _ out: Int, stride: Int = 1, act: ActivationKind, residual: Bool = false) throws(EdgeError) -> TValue {
        let d = try convBN(x, x.channels, kernel: (3, 3), stride: stride, groups: x.channels, act: act)
        let p = try convBN(d, out, kernel: (1, 1), act: residual && stride == 1 && out == x.channels ? nil : act)
        guard residual, stride == 1, out == x.channels else { return p }
        return try g.add(AddLayer(name: g.uniqueName("add")), [x, p])
    }

    /// 1×1 convolution with bias (heads, lateral connections).
    mutating func pointwise(_ x: TValue, _ out: Int, bias: Bool = true) throws(EdgeError) -> TValue {
        try g.add(Conv2D(name: g.uniqueName("conv"), inChannels: x.channels, outChannels: out, kernel: (1, 1), bias: bias, rng: &rng), [x])
    }
}
