import EdgeRuntime

extension Network {
    /// DLRM-like match ranker: numeric `features` [F] through a bottom MLP, `categorical` [K]
    /// ids through per-column embeddings (one shared table, `embedding` wide), concatenated and
    /// fed to a top MLP producing `score` [1] (the logit of P(good match), the match contract).
    public static func ranker(features: Int, cardinalities: [Int], embedding: Int = 8, hidden: Int = 64,
                              topLayers: Int = 2, dropout: Float = 0, seed: UInt64 = 1) throws(EdgeError) -> Network {
        guard features > 0, !cardinalities.isEmpty, cardinalities.allSatisfy({ $0 > 0 }), embedding > 0, hidden > 0, topLayers >= 1 else {
            throw EdgeError(.invalidInput, "ranker: features, cardinalities, embedding and hidden must be positive")
        }
        let g = TrainGraph()
        var rng = SplitMix64(seed: seed)
        let num = g.input("features", shape: [features])
        let cat = g.input("categorical", shape: [cardinalities.count], integer: true)
        var bottom = try g.add(BatchNorm(name: g.uniqueName("bn"), channels: features), [num])
        bottom = try g.add(Linear(name: g.uniqueName("fc"), inFeatures: features, outFeatures: hidden, rng: &rng), [bottom])
        bottom = try g.add(Activation(name: g.uniqueName("relu"), kind: .relu), [bottom])
        let emb = try g.add(Embedding(name: g.uniqueName("embedding"), cardinalities: cardinalities, dimension: embedding, rng: &rng), [cat])
        var y = try g.add(ConcatLayer(name: g.uniqueName("concat")), [bottom, emb])
        let hint = y
        for _ in 0..<topLayers - 1 {
            y = try g.add(Linear(name: g.uniqueName("fc"), inFeatures: y.shape[0], outFeatures: hidden, rng: &rng), [y])
            y = try g.add(Activation(name: g.uniqueName("relu"), kind: .relu), [y])
            if dropout > 0 { y = try g.add(Dropout(name: g.uniqueName("dropout"), rate: dropout), [y]) }
        }
        let score = try g.add(Linear(name: g.uniqueName("fc"), inFeatures: y.shape[0], outFeatures: 1, he: false, rng: &rng), [y])
        g.output("score", score)
        return Network(graph: g, task: "recommendation", heads: ["logits": score.id], hint: hint,
                       description: "dlrm-ranker features=\(features) cardinalities=\(cardinalities) embedding=\(embedding) hidden=\(hidden) top=\(topLayers) seed=\(seed)")
    }
}
