#if canImport(Glibc)
import Glibc
#endif

/// Per-layer wall time of forward and backward passes, summed over the passes that carried it
/// (`RunContext.profile`). Used by `train-bench --layers` to show where a training step goes.
public final class LayerTimes: @unchecked Sendable {
    /// Layer names in execution order.
    public private(set) var names: [String] = []
    /// Layer kinds (type names) in execution order.
    public private(set) var kinds: [String] = []
    /// Seconds per layer, summed over passes.
    public private(set) var forward: [Double] = []
    public private(set) var backward: [Double] = []

    public init() {}

    func prepare(_ layers: [any Layer]) {
        guard names.count != layers.count else { return }
        names = layers.map(\.name)
        kinds = layers.map { String(describing: type(of: $0)) }
        forward = [Double](repeating: 0, count: layers.count)
        backward = forward
    }

    func addForward(_ layer: Int, _ seconds: Double) { forward[layer] += seconds }
    func addBackward(_ layer: Int, _ seconds: Double) { backward[layer] += seconds }

    /// Clears the sums (after warm-up).
    public func reset() {
        for i in forward.indices { forward[i] = 0; backward[i] = 0 }
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// (kind, forward s, backward s) summed per layer kind, largest total first. Depthwise
    /// convolutions are reported apart from dense ones (their kernels differ).
    public func byKind(_ layers: [any Layer]) -> [(kind: String, forward: Double, backward: Double)] {
        var sums: [String: (Double, Double)] = [:]
        for (i, layer) in layers.enumerated() where i < forward.count {
            var kind = kinds[i]
            if let c = layer as? Conv2D {
                kind += c.geometry.isDepthwise ? " depthwise" : (c.geometry.isPointwise ? " 1x1" : " dense")
            }
            let s = sums[kind, default: (0, 0)]
            sums[kind] = (s.0 + forward[i], s.1 + backward[i])
        }
        return sums.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.forward + $0.backward > $1.forward + $1.backward }
    }
}
