/// Index mapping for a two-operand numpy broadcast, precomputed at prepare time.
///
/// Adjacent dimensions are collapsed whenever both operands walk them the same way (both
/// contiguous, or both broadcast), so `[1,240,20,20] × [1,240,1,1]` becomes 240 rows of 400
/// elements with inner strides (1, 0): the row loop then runs over contiguous memory.
struct Broadcast: Sendable {
    let count: Int
    /// Collapsed output shape and element strides of a and b (0 on broadcast dimensions).
    let shape: [Int]
    let stridesA: [Int]
    let stridesB: [Int]
    /// Length and strides of the innermost collapsed dimension (one "row").
    var innerCount: Int { shape.last ?? 1 }
    var innerStrideA: Int { stridesA.last ?? 0 }
    var innerStrideB: Int { stridesB.last ?? 0 }

    init(a: [Int], b: [Int], out: [Int]) {
        count = out.reduce(1, *)
        let sa = Broadcast.strides(a, out), sb = Broadcast.strides(b, out)
        var shape: [Int] = [], strA: [Int] = [], strB: [Int] = []
        for d in out.indices where out[d] != 1 {
            if let last = shape.indices.last,
               strA[last] == sa[d] * out[d], strB[last] == sb[d] * out[d] {
                // Dimension d continues the previous one for both operands: merge.
                shape[last] *= out[d]
                strA[last] = sa[d]
                strB[last] = sb[d]
            } else {
                shape.append(out[d])
                strA.append(sa[d])
                strB.append(sb[d])
            }
        }
        if shape.isEmpty { shape = [1]; strA = [0]; strB = [0] }
        self.shape = shape
        stridesA = strA
        stridesB = strB
    }

    /// Strides of `s` expanded to `out`'s rank, 0 on broadcast dimensions.
    static func strides(_ s: [Int], _ out: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: out.count - s.count) + s
        var strides = ShapeMath.strides(padded)
        for i in 0..<out.count where padded[i] == 1 { strides[i] = 0 }
        return strides
    }

    /// Calls `body(outputOffset, offsetA, offsetB, length)` for every row of the innermost
    /// collapsed dimension, in output order. Allocation-free.
    @inline(__always)
    func forEachRow(_ body: (Int, Int, Int, Int) -> Void) {
        guard count > 0 else { return }
        let rank = shape.count
        let inner = shape[rank - 1]
        if rank == 1 { body(0, 0, 0, inner); return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { idx in
            idx.initialize(repeating: 0)
            var o = 0, ia = 0, ib = 0
            while true {
                body(o, ia, ib, inner)
                o += inner
                var d = rank - 2
                while d >= 0 {
                    idx[d] += 1
                    ia += stridesA[d]
                    ib += stridesB[d]
                    if idx[d] < shape[d] { break }
                    ia -= stridesA[d] * shape[d]
                    ib -= stridesB[d] * shape[d]
                    idx[d] = 0
                    d -= 1
                }
                if d < 0 { return }
            }
        }
    }

    /// Calls `body(outputIndex, indexA, indexB)` for every output element, in order.
    @inline(__always)
    func forEach(_ body: (Int, Int, Int) -> Void) {
        let sa = innerStrideA, sb = innerStrideB
        forEachRow { o, ia, ib, n in
            for k in 0..<n { body(o + k, ia + k * sa, ib + k * sb) }
        }
    }
}
