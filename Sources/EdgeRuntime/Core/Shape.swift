/// Shape helpers. A shape is a plain `[Int]` of non-negative dimensions (rank 0 = scalar).
public enum ShapeMath {
    /// Largest element count a tensor may have. Keeps `count * byteSize` far from `Int.max`
    /// so hostile model files cannot make size arithmetic overflow.
    public static let maxElements = 1 << 40

    /// Number of elements of `shape`, or an error if a dimension is negative or the product overflows.
    public static func elementCount(_ shape: [Int]) throws(EdgeError) -> Int {
        var count = 1
        for d in shape {
            guard d >= 0 else { throw EdgeError(.invalidGraph, "negative dimension in shape \(shape)") }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= maxElements else {
                throw EdgeError(.tooLarge, "shape \(shape) has more than \(maxElements) elements")
            }
            count = p
        }
        return count
    }

    /// Row-major strides in elements.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = acc
            acc *= shape[i]
        }
        return strides
    }

    /// Normalises a possibly negative axis against `rank`.
    public static func axis(_ axis: Int, rank: Int) throws(EdgeError) -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < max(rank, 1) else {
            throw EdgeError(.invalidGraph, "axis \(axis) out of range for rank \(rank)")
        }
        return a
    }

    /// Numpy-style multidirectional broadcast of two shapes.
    public static func broadcast(_ a: [Int], _ b: [Int]) throws(EdgeError) -> [Int] {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { out[i] = da }
            else if da == 1 { out[i] = db }
            else { throw EdgeError(.invalidGraph, "shapes \(a) and \(b) cannot be broadcast") }
        }
        return out
    }
}
