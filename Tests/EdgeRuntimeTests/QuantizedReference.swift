import EdgeRuntime
import EdgeTestSupport

/// Naive references for the quantized op tests, straight from the ONNX spec (QLinearConv /
/// QLinearMatMul: integer accumulation, then y = saturate(round(acc · (x_scale · w_scale / y_scale)) + y_zp)).
enum QRef {
    static func quantize(_ x: Float, _ scale: Float, _ zero: Int32, _ lo: Int32, _ hi: Int32) -> Int32 {
        let v = (x / scale).rounded(.toNearestOrEven)
        guard v.isFinite else { return v > 0 ? hi : lo }
        return min(max(Int32(clamping: Int64(v)) &+ zero, lo), hi)
    }

    /// Requantizes an int32 accumulator the way the spec (and ONNX Runtime) does, in float32.
    static func requantize(_ acc: Int32, _ multiplier: Float, _ zero: Int32, _ lo: Int32, _ hi: Int32) -> Int32 {
        let v = (Float(acc) * multiplier).rounded(.toNearestOrEven)
        return Int32(min(max(v + Float(zero), Float(lo)), Float(hi)))
    }

    static func values(_ t: Tensor) -> [Int32] { (try? t.intValues())?.map { Int32($0) } ?? [] }

    /// A tensor of 8-bit values (uint8 or int8 storage) from integers.
    static func tensor(_ v: [Int32], _ shape: [Int], _ dtype: DType) -> Tensor {
        dtype == .uint8 ? try! Tensor(v.map { UInt8($0) }, shape: shape) : try! Tensor(v.map { Int8($0) }, shape: shape)
    }

    static func random(_ rng: inout SeededRandom, _ n: Int, _ lo: Int32, _ hi: Int32) -> [Int32] {
        (0..<n).map { _ in lo + Int32(rng.next() % UInt64(hi - lo + 1)) }
    }

    /// QLinearConv reference, NCHW 2-D: x [N, C, H, W], w [M, C/g, kh, kw] (values as integers).
    static func conv(x: [Int32], xShape: [Int], xZero: Int32, w: [Int32], wShape: [Int], bias: [Int32]?,
                     multipliers: [Float], yZero: Int32, yRange: (Int32, Int32), group: Int,
                     stride: Int, pad: Int) -> (values: [Int32], shape: [Int]) {
        let (n, c, h, wd) = (xShape[0], xShape[1], xShape[2], xShape[3])
        let (m, cg, kh, kw) = (wShape[0], wShape[1], wShape[2], wShape[3])
        let oh = (h + 2 * pad - kh) / stride + 1, ow = (wd + 2 * pad - kw) / stride + 1
        let mg = m / group
        var out: [Int32] = []
        for b in 0..<n {
            for oc in 0..<m {
                let g = oc / mg
                for i in 0..<oh {
                    for j in 0..<ow {
                        var acc: Int32 = bias?[oc] ?? 0
                        for ic in 0..<cg {
                            let ch = g * cg + ic
                            for u in 0..<kh {
                                for v in 0..<kw {
                                    let y = i * stride - pad + u, xx = j * stride - pad + v
                                    guard y >= 0, y < h, xx >= 0, xx < wd else { continue }
                                    let a = x[((b * c + ch) * h + y) * wd + xx] - xZero
                                    acc += a * w[((oc * cg + ic) * kh + u) * kw + v]
                                }
                            }
                        }
                        out.append(requantize(acc, multipliers[oc], yZero, yRange.0, yRange.1))
                    }
                }
            }
        }
        return (out, [n, m, oh, ow])
    }
}
