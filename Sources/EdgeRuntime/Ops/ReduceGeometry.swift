/// Where the elements of each reduction live, computed once at prepare time.
///
/// Size-1 dimensions are dropped and neighbouring dimensions of the same kind (kept/reduced)
/// are merged. The common layouts — [kept] [reduced] [kept], any part possibly empty — become
/// `outer × reduced × inner` loops over contiguous memory; anything else (e.g. reducing axes 0
/// and 2 of a rank-3 tensor) uses offset tables.
struct ReduceGeometry: Sendable {
    enum Layout: Sendable {
        /// Input viewed as [outer, reduced, inner]; output as [outer, inner].
        case blocked(outer: Int, reduced: Int, inner: Int)
        /// out[o] reduces x[kept[o] + reduced[r]] over r.
        case tables(kept: [Int], reduced: [Int])
    }

    let layout: Layout
    /// Number of elements folded into each output (for Mean).
    let reducedCount: Int

    init(shape: [Int], reducedAxes: Set<Int>) {
        reducedCount = shape.enumerated().filter { reducedAxes.contains($0.offset) }.map(\.element).reduce(1, *)
        var groups: [(size: Int, reduced: Bool)] = []
        for (d, n) in shape.enumerated() where n != 1 {
            let r = reducedAxes.contains(d)
            if let last = groups.last, last.reduced == r {
                groups[groups.count - 1].size *= n
            } else {
                groups.append((n, r))
            }
        }
        let kinds = groups.map(\.reduced)
        func size(_ i: Int) -> Int { groups[i].size }
        switch kinds {
        case []: layout = .blocked(outer: 1, reduced: 1, inner: 1)
        case [false]: layout = .blocked(outer: size(0), reduced: 1, inner: 1)
        case [true]: layout = .blocked(outer: 1, reduced: size(0), inner: 1)
        case [false, true]: layout = .blocked(outer: size(0), reduced: size(1), inner: 1)
        case [true, false]: layout = .blocked(outer: 1, reduced: size(0), inner: size(1))
        case [false, true, false]: layout = .blocked(outer: size(0), reduced: size(1), inner: size(2))
        default:
            let sizes = groups.map(\.size)
            let strides = ShapeMath.strides(sizes)
            func offsets(_ reduced: Bool) -> [Int] {
                var result = [0]
                for d in 0..<sizes.count where groups[d].reduced == reduced {
                    result = result.flatMap { base in (0..<sizes[d]).map { base + $0 * strides[d] } }
                }
                return result
            }
            layout = .tables(kept: offsets(false), reduced: offsets(true))
        }
    }
}
