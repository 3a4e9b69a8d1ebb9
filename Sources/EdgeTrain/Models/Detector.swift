import EdgeRuntime

extension Network {
    /// MobileNet-style anchor-free detector (CenterNet/FCOS-like) on [3, S, S] RGB in [0, 1]:
    /// stem 3×3 s2, depthwise-separable stages at strides 4, 8, 16 (`width` scales channels,
    /// `depth` adds stride-16 blocks), a top-down merge (×2 upsampling + 1×1 laterals) back to
    /// stride 4, and two heads: `heatmap` [C, S/4, S/4] (sigmoid; the loss reads the logits) and
    /// `boxes` [4, S/4, S/4] = ReLU(·)·16: ltrb distances from the cell centre in input pixels.
    public static func detector(width: Float = 1, depth: Int = 2, classes: Int = 5, size: Int = 128, seed: UInt64 = 1) throws(EdgeError) -> Network {
        guard width > 0, depth >= 0, classes > 0, size % 16 == 0, size >= 32 else {
            throw EdgeError(.invalidInput, "detector: width > 0, depth ≥ 0, classes > 0, size a multiple of 16 (≥ 32)")
        }
        func ch(_ c: Int) -> Int { max(8, Int((Float(c) * width).rounded())) }
        let g = TrainGraph()
        var b = Blocks(g: g, rng: SplitMix64(seed: seed))
        let x = g.input("image", shape: [3, size, size])
        var y = try b.convBN(x, ch(16), kernel: (3, 3), stride: 2, act: .relu6)          // /2
        y = try b.separable(y, ch(24), stride: 2, act: .relu6)                            // /4
        let c4 = try b.separable(y, ch(24), act: .relu6, residual: true)
        y = try b.separable(c4, ch(40), stride: 2, act: .relu6)                           // /8
        let c8 = try b.separable(y, ch(40), act: .relu6, residual: true)
        y = try b.separable(c8, ch(80), stride: 2, act: .relu6)                           // /16
        for _ in 0..<depth { y = try b.separable(y, ch(80), act: .relu6, residual: true) }
        let neck = ch(32)
        var p = try b.pointwise(y, neck)
        p = try g.add(Upsample2x(name: g.uniqueName("up")), [p])
        p = try g.add(AddLayer(name: g.uniqueName("add")), [p, try b.pointwise(c8, neck)])
        p = try g.add(Upsample2x(name: g.uniqueName("up")), [p])
        p = try g.add(AddLayer(name: g.uniqueName("add")), [p, try b.pointwise(c4, neck)])
        let hint = p
        let h = try b.separable(p, neck, act: .relu6)
        let heat = try b.pointwise(h, classes)
        // CenterNet prior: sigmoid(−2.19) ≈ 0.1 so the focal loss starts stable.
        (g.layers.last as! Conv2D).bias!.value = [Float](repeating: -2.19, count: classes)
        let heatmap = try g.add(Activation(name: g.uniqueName("sigmoid"), kind: .sigmoid), [heat])
        let hb = try b.separable(p, neck, act: .relu6)
        var box = try b.pointwise(hb, 4)
        (g.layers.last as! Conv2D).bias!.value = [Float](repeating: 1, count: 4)
        box = try g.add(Activation(name: g.uniqueName("relu"), kind: .relu), [box])
        box = try g.add(ScaleLayer(name: g.uniqueName("scale"), factor: 16), [box])
        g.output("heatmap", heatmap)
        g.output("boxes", box)
        return Network(graph: g, task: "detection", heads: ["heatmap_logits": heat.id, "boxes": box.id], hint: hint,
                       description: "mobilenet-detector width=\(width) depth=\(depth) classes=\(classes) size=\(size) seed=\(seed)")
    }
}
