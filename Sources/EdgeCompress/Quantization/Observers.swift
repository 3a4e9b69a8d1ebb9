#if canImport(Glibc)
import Glibc
#endif

/// How the clipping range of an activation tensor is chosen from the calibration data.
public enum ObserverKind: Sendable, Equatable {
    /// The observed minimum and maximum.
    case minMax
    /// Quantiles: the range keeps the central `percent` % of the values (e.g. 99.99), clipping
    /// (100 − percent) / 2 % at each end.
    case percentile(Double)
    /// The range (a fraction of the min/max range, searched) with the least expected squared
    /// quantization error over the calibration histogram.
    case mse
    /// TensorRT's entropy calibration: the |x| threshold whose quantized distribution is closest
    /// (Kullback–Leibler divergence) to the clipped reference distribution.
    case entropy

    /// Name as used by `--observer` and in reports.
    public var name: String {
        switch self {
        case .minMax: "minmax"
        case .percentile(let p): "percentile(\(p))"
        case .mse: "mse"
        case .entropy: "entropy"
        }
    }

    /// True when the range needs a second calibration pass that fills a histogram.
    var needsHistogram: Bool { self != .minMax }
    /// True when the histogram is of |x| over [0, max |x|] (entropy), else of x over [min, max].
    var absoluteHistogram: Bool { self == .entropy }
}

/// A fixed-range histogram of calibration values.
public struct Histogram: Sendable, Equatable {
    public let lo: Float, hi: Float
    public let absolute: Bool
    public private(set) var counts: [Double]

    /// `bins` equal bins over [lo, hi]; with `absolute`, values are binned by |x|.
    public init(lo: Float, hi: Float, bins: Int = 2048, absolute: Bool = false) {
        self.lo = lo
        self.hi = max(hi, lo)
        self.absolute = absolute
        counts = [Double](repeating: 0, count: max(bins, 1))
    }

    public var binWidth: Float { (hi - lo) / Float(counts.count) }

    /// Adds the finite values; values outside [lo, hi] go to the end bins (the range comes from pass 1).
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        let n = counts.count, width = binWidth
        guard width > 0 else { counts[0] += Double(values.count); return }
        let inv = 1 / width
        counts.withUnsafeMutableBufferPointer { c in
            for v in values where v.isFinite {
                let x = absolute ? abs(v) : v
                let i = Int(((x - lo) * inv).rounded(.down).clamped(0, Float(n - 1)))
                c[i] += 1
            }
        }
    }

    public var total: Double { counts.reduce(0, +) }
    /// Centre of bin `i`.
    func center(_ i: Int) -> Float { lo + (Float(i) + 0.5) * binWidth }
}

/// Range selection for each observer. All take the observed min/max (pass 1) and, except
/// min/max, the pass-2 histogram; they return a range that the caller widens to contain 0.
public enum RangeSelection {
    /// Quantile range: lower edge of the bin where the cumulative count first exceeds
    /// tail·total, upper edge of the bin where the count from the top first exceeds it.
    public static func percentile(_ h: Histogram, percent: Double) -> (Float, Float) {
        let tail = (100 - percent) / 200 * h.total
        var acc = 0.0, lower = 0
        for (i, c) in h.counts.enumerated() {
            acc += c
            if acc > tail { lower = i; break }
        }
        acc = 0
        var upper = h.counts.count - 1
        for i in stride(from: h.counts.count - 1, through: 0, by: -1) {
            acc += h.counts[i]
            if acc > tail { upper = i; break }
        }
        return (h.lo + Float(lower) * h.binWidth, h.lo + Float(upper + 1) * h.binWidth)
    }

    /// The range [α·lo, β·hi] (α, β in 1/100 … 1; 0 stays inside) minimising the histogram's
    /// expected squared error after 8-bit quantization with clamping: β, then α, searched in
    /// turn (two rounds of coordinate descent; the error is near-unimodal in each).
    public static func mse(_ h: Histogram) -> (Float, Float) {
        let lo = min(h.lo, 0), hi = max(h.hi, 0)
        var best = (lo, hi)
        for _ in 0..<2 {
            let l = best.0
            best.1 = (1...100).map { hi * Float($0) / 100 }.map { ($0, error(h, l, $0)) }.min { $0.1 < $1.1 }?.0 ?? hi
            let u = best.1
            best.0 = (1...100).map { lo * Float($0) / 100 }.map { ($0, error(h, $0, u)) }.min { $0.1 < $1.1 }?.0 ?? lo
        }
        return best
    }

    /// Expected squared error of quantizing the histogram's values with range [lo, hi].
    static func error(_ h: Histogram, _ lo: Float, _ hi: Float) -> Double {
        let params = ActivationQuantization.parameters(lo: lo, hi: hi, signed: false)
        var err = 0.0
        for (i, c) in h.counts.enumerated() where c > 0 {
            let x = h.center(i)
            let d = Double(params.fakeQuantize(x) - x)
            err += c * d * d
        }
        return err
    }

    /// TensorRT's KL-divergence threshold on a histogram of |x| (`absolute`, lo = 0): for each
    /// candidate bin count i ≥ `levels`, P = the first i bins with the tail folded into the last,
    /// Q = those bins merged into `levels` groups and spread back over their nonzero bins; the
    /// threshold is the upper edge of the i with the least KL(P‖Q).
    public static func entropy(_ h: Histogram, levels: Int = 128) -> Float {
        let n = h.counts.count
        guard n > levels, h.binWidth > 0 else { return h.hi }
        let step = max(1, (n - levels) / 512)
        var suffix = [Double](repeating: 0, count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + h.counts[i] }
        var bestI = n, bestKL = Double.infinity
        var p = [Double](repeating: 0, count: n), q = [Double](repeating: 0, count: n)
        for i in stride(from: levels, through: n, by: step) {
            for k in 0..<i { p[k] = h.counts[k] }
            p[i - 1] += suffix[i]
            for j in 0..<levels {
                let start = j * i / levels, end = (j + 1) * i / levels
                var sum = 0.0, nonzero = 0
                for k in start..<end { sum += h.counts[k]; if h.counts[k] != 0 { nonzero += 1 } }
                for k in start..<end { q[k] = h.counts[k] != 0 ? sum / Double(nonzero) : 0 }
            }
            let kl = divergence(p[0..<i], q[0..<i])
            if kl < bestKL { (bestKL, bestI) = (kl, i) }
        }
        return h.lo + Float(bestI) * h.binWidth
    }

    /// KL(P‖Q) of two unnormalised distributions; empty Q bins where P has mass are smoothed.
    static func divergence(_ p: ArraySlice<Double>, _ q: ArraySlice<Double>) -> Double {
        let sp = p.reduce(0, +), sq = q.reduce(0, +)
        guard sp > 0, sq > 0 else { return .infinity }
        var kl = 0.0
        for (a, b) in zip(p, q) where a > 0 {
            let pa = a / sp, qb = max(b / sq, 1e-10)
            kl += pa * log(pa / qb)
        }
        return kl
    }
}

extension Comparable {
    func clamped(_ lo: Self, _ hi: Self) -> Self { min(max(self, lo), hi) }
}
