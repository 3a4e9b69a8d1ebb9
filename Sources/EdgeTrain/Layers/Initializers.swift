import EdgeRuntime

/// Seeded weight initialisation.
public enum Initializer {
    /// He (Kaiming) normal: N(0, 2 / fanIn) — for layers followed by ReLU-like activations.
    public static func he(_ count: Int, fanIn: Int, _ rng: inout SplitMix64) -> [Float] {
        let std = (2 / Float(max(fanIn, 1))).squareRoot()
        return (0..<count).map { _ in rng.normal() * std }
    }

    /// Xavier (Glorot) uniform: U(±√(6 / (fanIn + fanOut))) — for linear outputs and embeddings.
    public static func xavier(_ count: Int, fanIn: Int, fanOut: Int, _ rng: inout SplitMix64) -> [Float] {
        let a = (6 / Float(max(fanIn + fanOut, 1))).squareRoot()
        return (0..<count).map { _ in (rng.uniform() * 2 - 1) * a }
    }
}
