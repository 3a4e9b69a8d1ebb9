/// Scale and zero point of one quantized tensor, read from compile-time constants: per-tensor
/// (one value) or per-axis (one value per index of `axis`).
///
/// Shared by the quantized ops and by `QDQFusion`, so the pass only fuses what the ops accept.
struct QuantParams: Sendable, Equatable {
    var scales: [Float]
    /// Zero points as integers of the quantized dtype (0 when the input is absent).
    var zeroPoints: [Int32]
    /// Element type of the quantized tensor (uint8, int8 or int32).
    var dtype: DType

    var isPerTensor: Bool { scales.count == 1 }

    /// Reads constant scale `scale` and optional zero point `zero` (both tensors). `channels` is
    /// the per-axis length allowed besides per-tensor (nil: per-tensor only).
    static func read(scale: Tensor, zero: Tensor?, dtype: DType, channels: Int?, what: String) throws(EdgeError) -> QuantParams {
        guard scale.dtype == .float32 else { throw EdgeError(.unsupported, "\(what): scale must be float32, got \(scale.dtype)") }
        let perTensor = scale.count == 1 && scale.shape.count <= 1
        let perAxis = channels != nil && scale.shape.count == 1 && scale.count == channels
        guard perTensor || perAxis else {
            let allowed = channels.map { "a scalar or [\($0)]" } ?? "a scalar"
            throw EdgeError(.invalidGraph, "\(what): scale of shape \(scale.shape) must be \(allowed)")
        }
        let scales = scale.scalars(as: Float.self)
        for s in scales where !(s.isFinite && s > 0) {
            throw EdgeError(.invalidGraph, "\(what): scale \(s) must be positive and finite")
        }
        var zeros = [Int32](repeating: 0, count: scales.count)
        if let zero {
            guard zero.dtype == dtype else {
                throw EdgeError(.invalidGraph, "\(what): zero point is \(zero.dtype), the quantized tensor is \(dtype)")
            }
            guard zero.shape == scale.shape || (zero.count == 1 && scales.count == 1) else {
                throw EdgeError(.invalidGraph, "\(what): zero point shape \(zero.shape) differs from scale shape \(scale.shape)")
            }
            zeros = try zero.intValues().map { Int32(truncatingIfNeeded: $0) }
        }
        return QuantParams(scales: scales, zeroPoints: zeros, dtype: dtype)
    }

    /// Scale of channel `c` (per-tensor parameters repeat).
    func scale(_ c: Int) -> Float { scales[isPerTensor ? 0 : c] }
    func zeroPoint(_ c: Int) -> Int32 { zeroPoints[isPerTensor ? 0 : c] }
}

/// Supported 8-bit activation types, and their mapping onto the u8 kernels: an int8 value v
/// with zero point z is the uint8 value v + 128 (bit pattern v ^ 0x80) with zero point z + 128,
/// which dequantizes to the same real number.
enum ActivationStorage: Sendable {
    case uint8, int8

    init(_ dtype: DType, what: String) throws(EdgeError) {
        switch dtype {
        case .uint8: self = .uint8
        case .int8: self = .int8
        default: throw EdgeError(.unsupported, "\(what) is \(dtype); quantized activations must be uint8 or int8")
        }
    }

    var dtype: DType { self == .uint8 ? .uint8 : .int8 }
    /// Zero point in the u8 domain of the kernels.
    func kernelZeroPoint(_ z: Int32) -> Int32 { self == .uint8 ? z : z + 128 }
}

extension PrepareContext {
    /// Quantization parameters from inputs `scale` and `zero` (optional), which must be constants.
    func quantParams(scale: Int, zero: Int, dtype: DType, channels: Int?, what: String) throws(EdgeError) -> QuantParams {
        let s = try requireConstant(scale, "\(what) scale")
        var z: Tensor? = nil
        if hasInput(zero) { z = try requireConstant(zero, "\(what) zero point") }
        do {
            return try QuantParams.read(scale: s, zero: z, dtype: dtype, channels: channels, what: what)
        } catch {
            throw EdgeError(error.code, "\(node.label): \(error.message)")
        }
    }
}

/// Flips the top bit of `count` bytes (int8 ↔ uint8 with zero point + 128), `src` may equal `dst`.
@inline(__always)
func flipSignBit(_ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>, _ count: Int) {
    for i in 0..<count { dst[i] = src[i] ^ 0x80 }
}
