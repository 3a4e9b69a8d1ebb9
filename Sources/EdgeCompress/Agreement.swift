import EdgeRuntime

/// How closely a compressed model's outputs follow the original's over an evaluation set.
public struct Agreement: Sendable, Codable, Equatable {
    /// Samples compared.
    public var samples: Int
    /// Mean over samples and outputs of the cosine similarity of the flattened outputs.
    public var cosineSimilarity: Double
    /// Smallest per-sample, per-output cosine similarity.
    public var minCosineSimilarity: Double
    /// Largest |original − compressed| over all output elements.
    public var maxAbsDiff: Double
    /// Fraction of rows whose argmax agrees, over classifier-like outputs (float [N, C], C ≥ 2);
    /// nil when no output looks like class scores.
    public var top1Agreement: Double?

    /// Runs both sessions on every sample and compares their outputs position by position.
    public static func measure(original: InferenceSession, compressed: InferenceSession, on set: EvalSet) throws(EdgeError) -> Agreement {
        var cosSum = 0.0, cosMin = 1.0, cosCount = 0, maxDiff = 0.0
        var rows = 0, agree = 0
        for sample in set.samples {
            let a = try original.run(sample.feeds), b = try compressed.run(sample.feeds)
            for info in original.outputs {
                guard let x = a[info.name], let y = b[info.name], x.dtype == .float32, y.dtype == .float32 else { continue }
                guard x.shape == y.shape else {
                    throw EdgeError(.invalidGraph, "output '\(info.name)' has shape \(y.shape) after compression, \(x.shape) before")
                }
                let u = x.scalars(as: Float.self), v = y.scalars(as: Float.self)
                var dot = 0.0, nu = 0.0, nv = 0.0
                for (p, q) in zip(u, v) {
                    dot += Double(p) * Double(q)
                    nu += Double(p) * Double(p)
                    nv += Double(q) * Double(q)
                    maxDiff = max(maxDiff, Double(abs(p - q)))
                }
                let cos = nu == 0 && nv == 0 ? 1 : (nu == 0 || nv == 0 ? 0 : dot / (nu.squareRoot() * nv.squareRoot()))
                cosSum += cos
                cosMin = min(cosMin, cos)
                cosCount += 1
                if x.shape.count == 2, x.shape[1] >= 2 {
                    let c = x.shape[1]
                    for r in 0..<x.shape[0] {
                        rows += 1
                        if argmax(u[r * c..<(r + 1) * c]) == argmax(v[r * c..<(r + 1) * c]) { agree += 1 }
                    }
                }
            }
        }
        return Agreement(samples: set.samples.count, cosineSimilarity: cosCount > 0 ? cosSum / Double(cosCount) : 1,
                         minCosineSimilarity: cosMin, maxAbsDiff: maxDiff,
                         top1Agreement: rows > 0 ? Double(agree) / Double(rows) : nil)
    }

    private static func argmax(_ s: ArraySlice<Float>) -> Int {
        var best = s.startIndex
        for i in s.indices where s[i] > s[best] { best = i }
        return best - s.startIndex
    }
}
