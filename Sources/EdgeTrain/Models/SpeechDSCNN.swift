import EdgeRuntime

extension Network {
    /// DS-CNN keyword spotter (Zhang et al., "Hello Edge", 2017) over log-mel [1, 98, 40]:
    /// a 10×4 stride-2 stem conv to `width` channels (49×20), `blocks` depthwise-separable
    /// blocks, global average pooling, dropout, and a linear layer to `classes` logits.
    /// Input `features`, output `logits` (the speech contract). Teacher ≈ width 172 × 5 blocks
    /// (~150 M MACs), student width 64 × 4 blocks (~21 M MACs, < 1/3 of the teacher).
    public static func speechDSCNN(width: Int = 64, blocks: Int = 4, classes: Int = 12, dropout: Float = 0.1,
                                   inputShape: [Int] = [1, 98, 40], seed: UInt64 = 1) throws(EdgeError) -> Network {
        guard width > 0, blocks >= 0, classes > 1 else { throw EdgeError(.invalidInput, "speech DS-CNN: width, blocks and classes must be positive") }
        let g = TrainGraph()
        var b = Blocks(g: g, rng: SplitMix64(seed: seed))
        let x = g.input("features", shape: inputShape)
        var y = try b.convBN(x, width, kernel: (10, 4), stride: 2, padding: (4, 1), act: .relu)
        var hint: TValue = y
        for i in 0..<blocks {
            y = try b.separable(y, width, act: .relu)
            if i == blocks / 2 { hint = y }
        }
        y = try g.add(GlobalAvgPool(name: g.uniqueName("gap")), [y])
        if dropout > 0 { y = try g.add(Dropout(name: g.uniqueName("dropout"), rate: dropout), [y]) }
        let logits = try g.add(Linear(name: g.uniqueName("fc"), inFeatures: width, outFeatures: classes, he: false, rng: &b.rng), [y])
        g.output("logits", logits)
        return Network(graph: g, task: "speech", heads: ["logits": logits.id], hint: hint,
                       description: "ds-cnn width=\(width) blocks=\(blocks) classes=\(classes) seed=\(seed)")
    }

    /// A small CNN classifier for generic [C, H, W] inputs (tests, quick experiments).
    public static func smallCNN(inputShape: [Int], classes: Int, width: Int = 8, seed: UInt64 = 1) throws(EdgeError) -> Network {
        let g = TrainGraph()
        var b = Blocks(g: g, rng: SplitMix64(seed: seed))
        let x = g.input("features", shape: inputShape)
        var y = try b.convBN(x, width, kernel: (3, 3), act: .relu)
        y = try g.add(Pool2D(name: g.uniqueName("maxpool"), max: true, kernel: 2, stride: 2), [y])
        let hint = y
        y = try b.separable(y, width, act: .relu, residual: true)
        y = try g.add(GlobalAvgPool(name: g.uniqueName("gap")), [y])
        let logits = try g.add(Linear(name: g.uniqueName("fc"), inFeatures: width, outFeatures: classes, he: false, rng: &b.rng), [y])
        g.output("logits", logits)
        return Network(graph: g, task: "classification", heads: ["logits": logits.id], hint: hint,
                       description: "small-cnn width=\(width) classes=\(classes) seed=\(seed)")
    }
}
