#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one destination dimension finds its source element: a fixed stride (Transpose, Slice,
/// Expand's stride 0…) or an explicit offset table (Pad's reflect/edge/wrap, nearest Resize).
enum SourceMap: Sendable, Equatable {
    /// Index `i` reads source offset `i * stride` (elements).
    case stride(Int)
    /// Index `i` reads source offset `table[i]` (elements).
    case table([Int])
}

/// A dtype-agnostic copy from a source laid out by per-dimension `SourceMap`s into a
/// destination box (dense by default). Data-movement ops build one at prepare time; `run`
/// allocates nothing and copies contiguous inner runs with `memcpy`.
///
/// Dimensions of size 1 are dropped and adjacent stride dimensions that are contiguous in both
/// source and destination are merged, so e.g. a Slice of whole rows becomes one `memcpy` per row.
struct ElementCopy: Sendable {
    let elementSize: Int
    let count: Int
    private let shape: [Int]
    /// Stride per dimension, or `Int.min` for table dimensions.
    private let steps: [Int]
    /// Concatenated tables; dimension d's table starts at `tableStart[d]`.
    private let tables: [Int]
    private let tableStart: [Int]
    private let dstStrides: [Int]
    private let srcBase: Int
    private let dstBase: Int

    /// - Parameters:
    ///   - shape: the destination box (elements copied = its product).
    ///   - maps: how each dimension maps to a source offset; `srcBase` is added to all.
    ///   - dstStrides: destination strides in elements (nil = dense `shape`); `dstBase` is added.
    init(elementSize: Int, shape: [Int], maps: [SourceMap], srcBase: Int = 0,
         dstStrides: [Int]? = nil, dstBase: Int = 0) {
        precondition(maps.count == shape.count)
        self.elementSize = elementSize
        self.count = shape.reduce(1, *)
        let dense = dstStrides ?? ShapeMath.strides(shape)
        var dims: [(size: Int, map: SourceMap, dst: Int)] = []
        var base = srcBase
        for d in 0..<shape.count {
            if shape[d] == 1 {
                if case .table(let t) = maps[d] { base += t[0] }
                continue
            }
            // Merge into the previous dimension when both are strides and contiguous.
            if let last = dims.last, case .stride(let outer) = last.map, case .stride(let inner) = maps[d],
               outer == inner * shape[d], last.dst == dense[d] * shape[d] {
                dims[dims.count - 1] = (last.size * shape[d], .stride(inner), dense[d])
                continue
            }
            dims.append((shape[d], maps[d], dense[d]))
        }
        var steps: [Int] = [], tables: [Int] = [], starts: [Int] = []
        for dim in dims {
            starts.append(tables.count)
            switch dim.map {
            case .stride(let s): steps.append(s)
            case .table(let t): steps.append(Int.min); tables.append(contentsOf: t)
            }
        }
        self.shape = dims.map(\.size)
        self.steps = steps
        self.tables = tables
        self.tableStart = starts
        self.dstStrides = dims.map(\.dst)
        self.srcBase = base
        self.dstBase = dstBase
    }

    /// A plain strided view: destination dimension d reads source stride `strides[d]`.
    init(elementSize: Int, shape: [Int], strides: [Int], srcBase: Int = 0) {
        self.init(elementSize: elementSize, shape: shape, maps: strides.map { .stride($0) }, srcBase: srcBase)
    }

    @inline(__always)
    private func offset(_ d: Int, _ i: Int) -> Int {
        let s = steps[d]
        return s == Int.min ? tables[tableStart[d] + i] : i * s
    }

    /// Copies from `src` into `dst` (element offsets as described at init).
    func run(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer) {
        if count == 0 { return }
        let es = elementSize
        let rank = shape.count
        if rank == 0 {
            memcpy(dst + dstBase * es, src + srcBase * es, es)
            return
        }
        let inner = shape[rank - 1]
        withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { idx in
            idx.initialize(repeating: 0)
            while true {
                var s = srcBase, o = dstBase
                for d in 0..<(rank - 1) {
                    s += offset(d, idx[d])
                    o += idx[d] * dstStrides[d]
                }
                copyRow(src + s * es, dst + o * es, inner, rank - 1)
                var d = rank - 2
                while d >= 0 {
                    idx[d] += 1
                    if idx[d] < shape[d] { break }
                    idx[d] = 0
                    d -= 1
                }
                if d < 0 { return }
            }
        }
    }

    @inline(__always)
    private func copyRow(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ n: Int, _ d: Int) {
        if steps[d] == 1 && dstStrides[d] == 1 {
            memcpy(dst, src, n * elementSize)
            return
        }
        switch elementSize {
        case 1: copyRow(UInt8.self, src, dst, n, d)
        case 2: copyRow(UInt16.self, src, dst, n, d)
        case 4: copyRow(UInt32.self, src, dst, n, d)
        default: copyRow(UInt64.self, src, dst, n, d)
        }
    }

    @inline(__always)
    private func copyRow<T>(_: T.Type, _ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ n: Int, _ d: Int) {
        let s = src.assumingMemoryBound(to: T.self)
        let o = dst.assumingMemoryBound(to: T.self)
        let ds = dstStrides[d]
        let step = steps[d]
        if step == Int.min {
            let t0 = tableStart[d]
            for i in 0..<n { o[i * ds] = s[tables[t0 + i]] }
        } else {
            for i in 0..<n { o[i * ds] = s[i * step] }
        }
    }
}

/// Fills `count` elements of `elementSize` bytes at `dst` with the element at `value`.
@inline(__always)
func fillElements(_ dst: UnsafeMutableRawPointer, count: Int, elementSize: Int, value: UnsafeRawPointer) {
    switch elementSize {
    case 1: memset(dst, Int32(value.load(as: UInt8.self)), count)
    case 2: fillTyped(dst, count, value.loadUnaligned(as: UInt16.self))
    case 4: fillTyped(dst, count, value.loadUnaligned(as: UInt32.self))
    default: fillTyped(dst, count, value.loadUnaligned(as: UInt64.self))
    }
}

@inline(__always)
private func fillTyped<T>(_ dst: UnsafeMutableRawPointer, _ count: Int, _ v: T) {
    let p = dst.assumingMemoryBound(to: T.self)
    for i in 0..<count { p[i] = v }
}
