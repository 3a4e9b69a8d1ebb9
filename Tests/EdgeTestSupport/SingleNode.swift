import EdgeRuntime

/// Builds and runs one-node graphs, so op tests read like the op's spec.
public enum SingleNode {
    /// Runs `op` on `inputs` (named x0, x1, …). Inputs listed in `constants` become
    /// initializers (so ops that need compile-time values, like Reshape's shape, see them).
    /// An empty-shape `nil` entry in `inputs` is an absent optional input.
    public static func run(_ op: String, _ inputs: [Tensor?], attributes: [String: Attribute] = [:],
                           constants: Set<Int> = [], outputs: Int = 1, threads: Int = 1) throws -> [Tensor] {
        var graph = Graph(name: op)
        var names: [String] = []
        for (i, t) in inputs.enumerated() {
            guard let t else { names.append(""); continue }
            let name = "x\(i)"
            names.append(name)
            if constants.contains(i) {
                graph.initializers[name] = t
            } else {
                graph.inputs.append(ValueInfo(name: name, dtype: t.dtype, shape: t.shape.map { .fixed($0) }))
            }
        }
        let outNames = (0..<outputs).map { "y\($0)" }
        graph.nodes = [Node(name: "n", op: op, inputs: names, outputs: outNames, attributes: attributes)]
        graph.outputs = outNames.map { ValueInfo(name: $0, dtype: .float32, shape: nil) }
        let session = try InferenceSession(graph: graph, options: SessionOptions(threads: threads, optimize: false))
        let feeds = inputs.enumerated().compactMap { i, t in constants.contains(i) ? nil : t }
        return try session.run(feeds)
    }
}

/// Largest absolute and relative difference between two float tensors.
public func maxDifference(_ a: Tensor, _ b: Tensor) -> (abs: Float, rel: Float) {
    let x = (try? a.floatValues()) ?? []
    let y = (try? b.floatValues()) ?? []
    var absMax: Float = 0, relMax: Float = 0
    for (p, q) in zip(x, y) {
        let d = abs(p - q)
        if d.isNaN { return (.infinity, .infinity) }
        absMax = max(absMax, d)
        relMax = max(relMax, d / max(abs(q), 1e-6))
    }
    return (absMax, relMax)
}

/// True when `a` and `b` have the same shape and every element satisfies
/// |a - b| <= atol + rtol * |b| (numpy.allclose).
public func allClose(_ a: Tensor, _ b: Tensor, rtol: Float = 1e-4, atol: Float = 1e-5) -> Bool {
    guard a.shape == b.shape, let x = try? a.floatValues(), let y = try? b.floatValues() else { return false }
    for (p, q) in zip(x, y) {
        if p.isNaN != q.isNaN { return false }
        if p.isNaN { continue }
        if p.isInfinite || q.isInfinite { if p != q { return false } else { continue } }
        if abs(p - q) > atol + rtol * abs(q) { return false }
    }
    return true
}

/// Deterministic pseudo-random floats in [lo, hi) (SplitMix64), for reproducible tests.
public struct SeededRandom {
    private var generator: SplitMix64
    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    public mutating func next() -> UInt64 { generator.next() }
    public mutating func float(_ lo: Float = -1, _ hi: Float = 1) -> Float {
        lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
    }
    public mutating func tensor(_ shape: [Int], _ lo: Float = -1, _ hi: Float = 1) -> Tensor {
        let n = shape.reduce(1, *)
        return try! Tensor((0..<n).map { _ in float(lo, hi) }, shape: shape)
    }
}

import CAllocationCounter

/// Heap allocations made by the current thread while `body` runs, or nil where counting is
/// unavailable (non-glibc platforms).
public func countAllocations(_ body: () throws -> Void) rethrows -> Int? {
    guard ea_allocations_supported() != 0 else { return nil }
    ea_allocations_begin()
    defer { _ = ea_allocations_end() }
    try body()
    return Int(ea_allocations_end())
}
