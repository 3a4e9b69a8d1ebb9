import EdgeRuntime

/// What the calibration run gathered: per-tensor ranges (and histograms) and, for bias
/// correction, the mean of each channel of selected tensors.
struct CalibrationData: Sendable {
    var statistics: [String: TensorStatistics] = [:]
    /// tensor → mean over samples and positions of each channel (axis given when requested, < 0 from the end).
    var channelMeans: [String: [Double]] = [:]
}

/// Runs the float graph over the calibration samples with the observed tensors as extra
/// outputs: pass 1 records min/max and channel means, pass 2 (histogram observers only) fills
/// a fixed-range histogram per tensor.
enum Calibration {
    static func run(_ graph: Graph, observe tensors: [String], channelMeans: [String: Int], observer: ObserverKind,
                    samples: EvalSet) throws(EdgeError) -> CalibrationData {
        var g = graph
        let wanted = Set(tensors).union(channelMeans.keys)
        let existing = Set(g.outputs.map(\.name))
        for name in wanted.sorted() where !existing.contains(name) {
            g.outputs.append(ValueInfo(name: name, dtype: .float32, shape: nil))
        }
        let session = try InferenceSession(graph: g)
        var data = CalibrationData()
        var sums: [String: [Double]] = [:], counts: [String: Double] = [:]
        for sample in samples.samples {
            let out = try session.run(sample.feeds)
            for name in tensors {
                guard let t = out[name], t.dtype == .float32 else { continue }
                var s = data.statistics[name] ?? TensorStatistics()
                withFloats(t) { v in
                    for x in v where x.isFinite {
                        s.count += 1
                        s.lo = min(s.lo, x)
                        s.hi = max(s.hi, x)
                    }
                }
                data.statistics[name] = s
            }
            for (name, requested) in channelMeans {
                let axis = requested < 0 ? (out[name]?.shape.count ?? 0) + requested : requested
                guard let t = out[name], t.dtype == .float32, axis >= 0, axis < t.shape.count else { continue }
                let c = t.shape[axis], inner = t.shape[(axis + 1)...].reduce(1, *)
                var acc = sums[name] ?? [Double](repeating: 0, count: c)
                guard acc.count == c else { continue }
                withFloats(t) { v in
                    for (i, x) in v.enumerated() { acc[(i / inner) % c] += Double(x) }
                }
                sums[name] = acc
                counts[name, default: 0] += Double(t.count / max(c, 1))
            }
        }
        for (name, acc) in sums { data.channelMeans[name] = acc.map { $0 / max(counts[name] ?? 1, 1) } }
        guard observer.needsHistogram else { return data }
        for (name, s) in data.statistics where s.lo <= s.hi {
            let absolute = observer.absoluteHistogram
            data.statistics[name]?.histogram = absolute ? Histogram(lo: 0, hi: max(abs(s.lo), abs(s.hi)), bins: s.histogramBins, absolute: true)
                                                        : Histogram(lo: s.lo, hi: s.hi, bins: s.histogramBins)
        }
        for sample in samples.samples {
            let out = try session.run(sample.feeds)
            for name in tensors {
                guard let t = out[name], t.dtype == .float32, data.statistics[name]?.histogram != nil else { continue }
                withFloats(t) { data.statistics[name]!.histogram!.add($0) }
            }
        }
        return data
    }

    private static func withFloats(_ t: Tensor, _ body: (UnsafeBufferPointer<Float>) -> Void) {
        body(UnsafeBufferPointer(start: t.rawPointer.assumingMemoryBound(to: Float.self), count: t.count))
    }
}
