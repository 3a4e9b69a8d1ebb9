/// Numpy broadcasting of any number of operands to one output shape. `forEachRow` walks the
/// output row by row (innermost dimension) and yields each operand's element offset at the row
/// start plus per-operand inner strides (0 where an operand is broadcast), without allocating.
struct MultiBroadcast: Sendable {
    let shape: [Int]
    let count: Int
    let operands: Int
    /// strides[d * operands + k]: operand k's stride along output dimension d (0 = broadcast).
    private let strides: [Int]

    init(_ shapes: [[Int]]) throws(EdgeError) {
        var out: [Int] = []
        for s in shapes { out = try ShapeMath.broadcast(out, s) }
        self.shape = out
        self.count = out.reduce(1, *)
        self.operands = shapes.count
        var strides = [Int](repeating: 0, count: out.count * shapes.count)
        for (k, s) in shapes.enumerated() {
            let per = Broadcast.strides(s, out)
            for d in 0..<out.count { strides[d * shapes.count + k] = per[d] }
        }
        self.strides = strides
    }

    /// Calls `body(outputOffset, rowLength, offsets, innerStrides)` for every output row;
    /// `offsets[k]` / `innerStrides[k]` describe operand k.
    @inline(__always)
    func forEachRow(_ body: (Int, Int, UnsafePointer<Int>, UnsafePointer<Int>) -> Void) {
        guard count > 0 else { return }
        let rank = shape.count
        strides.withUnsafeBufferPointer { st in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: rank + 2 * operands + 1) { buf in
                let base = buf.baseAddress!
                let idx = base, offsets = base + rank, zero = base + rank + operands
                for i in 0..<(rank + 2 * operands) { base[i] = 0 }
                if rank == 0 { body(0, 1, offsets, zero); return }
                let inner = shape[rank - 1]
                let innerStrides = st.baseAddress! + (rank - 1) * operands
                var o = 0
                while true {
                    body(o, inner, offsets, innerStrides)
                    o += inner
                    var d = rank - 2
                    while d >= 0 {
                        idx[d] += 1
                        for k in 0..<operands { offsets[k] += st[d * operands + k] }
                        if idx[d] < shape[d] { break }
                        for k in 0..<operands { offsets[k] -= st[d * operands + k] * shape[d] }
                        idx[d] = 0
                        d -= 1
                    }
                    if d < 0 { return }
                }
            }
        }
    }
}
