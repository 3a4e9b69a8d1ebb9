#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ReduceSum/Mean/Max/Min/Prod/L1/L2/SumSquare/LogSum (opset 18+: `axes` input, `keepdims`,
/// `noop_with_empty_axes`). Floats for all; int32/int64 for all but L2 and LogSum.
/// Empty reductions give the identity (0, 1, -inf/+inf or the integer bounds; Mean of nothing
/// is NaN for floats and 0 for integers). Max/Min propagate NaN.
enum ReduceOps: OpDefinition {
    static let opTypes = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
                          "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let op = ctx.node.op
        let floatOnly = op == "ReduceL2" || op == "ReduceLogSum"
        let x = try ctx.input(0, oneOf: floatOnly ? [.float32, .float64] : [.float32, .float64, .int32, .int64])
        let keep = try ctx.attributes.int("keepdims", default: 1) != 0
        let noop = try ctx.attributes.int("noop_with_empty_axes", default: 0) != 0
        var axes = try ctx.normalizedAxes(try ctx.optionalInts(1, "axes") ?? [], rank: x.rank)
        if axes.isEmpty {
            if noop { return .alias(input: 0, as: x) }
            axes = Array(0..<x.rank)
        }
        let reduced = Set(axes)
        var shape: [Int] = []
        for (d, n) in x.shape.enumerated() {
            if !reduced.contains(d) { shape.append(n) } else if keep { shape.append(1) }
        }
        let out = TensorType(x.dtype, shape)
        let geometry = ReduceGeometry(shape: x.shape, reducedAxes: reduced)
        switch x.dtype {
        case .float32: return make(Float.self, op, geometry, out)
        case .float64: return make(Double.self, op, geometry, out)
        case .int32: return make(Int32.self, op, geometry, out)
        default: return make(Int64.self, op, geometry, out)
        }
    }

    private static func make<T: ReduceScalar>(_: T.Type, _ op: String, _ g: ReduceGeometry, _ out: TensorType) -> Prepared {
        let n = g.reducedCount
        switch op {
        case "ReduceSum": return kernel(g, out, T.zero, T.add, { $0 }, { $0 })
        case "ReduceMean": return kernel(g, out, T.zero, T.add, { $0 }, { $0.divided(by: n) })
        case "ReduceMax": return kernel(g, out, T.lowestValue, { $0.isNaNValue || $0 > $1 ? $0 : $1 }, { $0 }, { $0 })
        case "ReduceMin": return kernel(g, out, T.highestValue, { $0.isNaNValue || $0 < $1 ? $0 : $1 }, { $0 }, { $0 })
        case "ReduceProd": return kernel(g, out, T.one, T.multiply, { $0 }, { $0 })
        case "ReduceL1": return kernel(g, out, T.zero, T.add, { $0.magnitudeValue }, { $0 })
        case "ReduceL2": return kernel(g, out, T.zero, T.add, { T.multiply($0, $0) }, { $0.squareRoot })
        case "ReduceSumSquare": return kernel(g, out, T.zero, T.add, { T.multiply($0, $0) }, { $0 })
        default: return kernel(g, out, T.zero, T.add, { $0 }, { $0.logarithm })
        }
    }

    /// acc = combine(acc, map(x)) over each reduction, then out = finish(acc).
    @inline(__always)
    private static func kernel<T: ReduceScalar>(_ g: ReduceGeometry, _ out: TensorType, _ identity: T,
                                                _ combine: @escaping (T, T) -> T, _ map: @escaping (T) -> T,
                                                _ finish: @escaping (T) -> T) -> Prepared {
        Prepared(outputTypes: [out]) { io in
            let x = io.input(0).assumingMemoryBound(to: T.self)
            let y = io.output(0).assumingMemoryBound(to: T.self)
            switch g.layout {
            case .blocked(let outer, let red, let inner):
                for o in 0..<outer {
                    let row = y + o * inner
                    let src = x + o * red * inner
                    if inner == 1 {
                        var acc = identity
                        for r in 0..<red { acc = combine(acc, map(src[r])) }
                        row[0] = finish(acc)
                        continue
                    }
                    for i in 0..<inner { row[i] = identity }
                    for r in 0..<red {
                        let s = src + r * inner
                        for i in 0..<inner { row[i] = combine(row[i], map(s[i])) }
                    }
                    for i in 0..<inner { row[i] = finish(row[i]) }
                }
            case .tables(let kept, let reduced):
                for o in 0..<kept.count {
                    let src = x + kept[o]
                    var acc = identity
                    for r in reduced { acc = combine(acc, map(src[r])) }
                    y[o] = finish(acc)
                }
            }
        }
    }
}

/// Element types the reductions accept.
protocol ReduceScalar: TensorScalar, Numeric, Comparable {
    static var one: Self { get }
    static var lowestValue: Self { get }
    static var highestValue: Self { get }
    var isNaNValue: Bool { get }
    var magnitudeValue: Self { get }
    var squareRoot: Self { get }
    var logarithm: Self { get }
    func divided(by n: Int) -> Self
    /// `+` and `*` that wrap for integers (hostile data must not trap) and are plain for floats.
    static func add(_ a: Self, _ b: Self) -> Self
    static func multiply(_ a: Self, _ b: Self) -> Self
}

extension ReduceScalar where Self: BinaryFloatingPoint {
    static var one: Self { 1 }
    static var lowestValue: Self { -.infinity }
    static var highestValue: Self { .infinity }
    var isNaNValue: Bool { isNaN }
    var magnitudeValue: Self { abs(self) }
    var squareRoot: Self { self.squareRoot() }
    var logarithm: Self { Self(log(Double(self))) }
    func divided(by n: Int) -> Self { self / Self(n) }
    static func add(_ a: Self, _ b: Self) -> Self { a + b }
    static func multiply(_ a: Self, _ b: Self) -> Self { a * b }
}

extension ReduceScalar where Self: FixedWidthInteger & SignedInteger {
    static var one: Self { 1 }
    static var lowestValue: Self { .min }
    static var highestValue: Self { .max }
    var isNaNValue: Bool { false }
    var magnitudeValue: Self { self < 0 ? 0 &- self : self }
    var squareRoot: Self { self }
    var logarithm: Self { self }
    func divided(by n: Int) -> Self { n == 0 ? 0 : self / Self(truncatingIfNeeded: n) }
    static func add(_ a: Self, _ b: Self) -> Self { a &+ b }
    static func multiply(_ a: Self, _ b: Self) -> Self { a &* b }
}

extension Float: ReduceScalar {}
extension Double: ReduceScalar {}
extension Int32: ReduceScalar {}
extension Int64: ReduceScalar {}
