import CEdgeKernels
#if canImport(Glibc)
import Glibc
#endif

/// A prepared GRU/LSTM node: sizes, flags, packed weights and the scratch layout.
///
/// Scratch (floats): `xw` [seq·batch, G·H] input projections of all steps, `h` and `c`
/// [batch, H] running state, `gates` [batch, G·H] hidden projections of one step, `rh`
/// [batch, H] (GRU: r ⊙ h; LSTM: tanh(C')), `bias` [G·H]: the combined input-side bias while the
/// input projections run, then the hidden-side bias of the per-step product (GRU with
/// linear_before_reset: 0 for z|r, Rbh for h), so every step is one bias-fused SGEMM.
/// Gate order (ONNX): LSTM i, o, f, c; GRU z, r, h.
struct RecurrentPlan: @unchecked Sendable {
    enum SequenceLengths { case full, int32, int64 }

    let lstm: Bool
    let seq: Int, batch: Int, inputSize: Int, hidden: Int, dirs: Int
    let reverseOnly: Bool
    let layout: Int
    /// Gate pre-activation clip threshold; 0 = no clipping.
    let clip: Float
    let linearBeforeReset: Bool
    let hasBias: Bool, hasInitialH: Bool, hasInitialC: Bool, hasPeepholes: Bool
    let seqLens: SequenceLengths
    let wantY: Bool, wantYh: Bool, wantYc: Bool
    let pool: OpaquePointer?
    /// Wᵀ per direction, packed (constant W only).
    var packedW: PackedMatrices? = nil
    /// Rᵀ per part of R and direction: LSTM one part (all 4 gates), GRU two (z|r, then h).
    var packedR: [PackedMatrices] = []

    var gates: Int { lstm ? 4 : 3 }
    var gh: Int { gates * hidden }
    /// R is multiplied in parts of rows: one (all gates) for LSTM and for GRU with
    /// linear_before_reset (every gate reads H); otherwise two for GRU (z|r, then h, which reads r ⊙ H).
    var rPartCount: Int { lstm || linearBeforeReset ? 1 : 2 }
    /// Rows [start, start + rows) of R in part `p`.
    @inline(__always) func rPart(_ p: Int) -> (start: Int, rows: Int) {
        rPartCount == 1 ? (0, gh) : (p == 0 ? (0, 2 * hidden) : (2 * hidden, hidden))
    }

    var hOffset: Int { seq * batch * gh }
    var cOffset: Int { hOffset + batch * hidden }
    var gatesOffset: Int { cOffset + batch * hidden }
    var rhOffset: Int { gatesOffset + batch * gh }
    var biasOffset: Int { rhOffset + batch * hidden }
    var scratchFloats: Int { biasOffset + gh }

    mutating func packWeights(w: Tensor?, r: Tensor?) {
        let (gh, input, hidden) = (self.gh, inputSize, self.hidden)
        if let w {
            packedW = PackedMatrices.rightOperands(count: dirs, k: input, n: gh, transposed: true, ldb: input) {
                w.floatPointer + $0 * gh * input
            }
        }
        if let r {
            packedR = (0..<rPartCount).map { p in
                let part = rPart(p)
                return PackedMatrices.rightOperands(count: dirs, k: hidden, n: part.rows, transposed: true, ldb: hidden) {
                    r.floatPointer + $0 * gh * hidden + part.start * hidden
                }
            }
        }
    }

    // MARK: indexing (layout 0: [seq, dirs, batch, H]; layout 1: [batch, seq, dirs, H])

    @inline(__always) func xRow(_ t: Int, _ b: Int) -> Int { layout == 0 ? t * batch + b : b * seq + t }
    @inline(__always) func yIndex(_ t: Int, _ d: Int, _ b: Int) -> Int {
        (layout == 0 ? (t * dirs + d) * batch + b : (b * seq + t) * dirs + d) * hidden
    }
    @inline(__always) func stateIndex(_ d: Int, _ b: Int) -> Int { (layout == 0 ? d * batch + b : b * dirs + d) * hidden }
    @inline(__always) func clamp(_ v: Float) -> Float { clip > 0 ? min(max(v, -clip), clip) : v }

    @inline(__always) func length(_ io: KernelIO, _ b: Int) -> Int {
        switch seqLens {
        case .full: return seq
        case .int32: return min(max(Int(io.input(4).assumingMemoryBound(to: Int32.self)[b]), 0), seq)
        case .int64: return min(max(Int(io.input(4).assumingMemoryBound(to: Int64.self)[b]), 0), seq)
        }
    }

    /// out[batch, rows] (row stride `gh`) = a[batch, H] · R_part(d)ᵀ (+ bias per column).
    func hiddenProduct(_ io: KernelIO, _ a: UnsafePointer<Float>, part: Int, dir d: Int, _ out: UnsafeMutablePointer<Float>,
                       bias: UnsafePointer<Float>? = nil) {
        let (start, rows) = rPart(part)
        let mode = Int32((bias == nil ? EK_BIAS_NONE : EK_BIAS_PER_COL).rawValue), act = FusedActivation.none.kernelValue
        if part < packedR.count {
            ek_sgemm_packed_b(Int64(batch), Int64(rows), Int64(hidden), a, Int64(hidden), packedR[part].pointer(d),
                              0, out, Int64(gh), bias, mode, act, pool)
        } else {
            let r = io.floats(2) + d * gh * hidden + start * hidden
            ek_sgemm(0, 1, Int64(batch), Int64(rows), Int64(hidden), a, Int64(hidden), r, Int64(hidden),
                     0, out, Int64(gh), bias, mode, act, pool)
        }
    }

    func run(_ io: KernelIO) {
        let s = io.scratch.unsafelyUnwrapped.assumingMemoryBound(to: Float.self)
        let xw = s, h = s + hOffset, c = s + cOffset, bias = s + biasOffset
        let x = io.floats(0)
        for d in 0..<dirs {
            // Input projections of every step, with W's bias and the parts of R's bias that are
            // plain additions (all of them except GRU's h gate under linear_before_reset).
            var biasPtr: UnsafePointer<Float>? = nil
            if hasBias {
                let wb = io.floats(3) + d * 2 * gh, rb = wb + gh
                for i in 0..<gh { bias[i] = wb[i] + (lstm || !linearBeforeReset || i < 2 * hidden ? rb[i] : 0) }
                biasPtr = UnsafePointer(bias)
            }
            let mode = Int32((hasBias ? EK_BIAS_PER_COL : EK_BIAS_NONE).rawValue), act = FusedActivation.none.kernelValue
            if let packedW {
                ek_sgemm_packed_b(Int64(seq * batch), Int64(gh), Int64(inputSize), x, Int64(inputSize), packedW.pointer(d),
                                  0, xw, Int64(gh), biasPtr, mode, act, pool)
            } else {
                ek_sgemm(0, 1, Int64(seq * batch), Int64(gh), Int64(inputSize), x, Int64(inputSize),
                         io.floats(1) + d * gh * inputSize, Int64(inputSize), 0, xw, Int64(gh), biasPtr, mode, act, pool)
            }
            // GRU with linear_before_reset: Rbh becomes the bias of the per-step product's h columns.
            var stepBias: UnsafePointer<Float>? = nil
            if hasBias && !lstm && linearBeforeReset {
                bias.update(repeating: 0, count: 2 * hidden)
                (bias + 2 * hidden).update(from: io.floats(3) + d * 2 * gh + gh + 2 * hidden, count: hidden)
                stepBias = UnsafePointer(bias)
            }
            for b in 0..<batch {
                let hb = h + b * hidden, cb = c + b * hidden
                if hasInitialH { hb.update(from: io.floats(5) + stateIndex(d, b), count: hidden) } else { hb.update(repeating: 0, count: hidden) }
                if hasInitialC { cb.update(from: io.floats(6) + stateIndex(d, b), count: hidden) } else { cb.update(repeating: 0, count: hidden) }
            }
            let reverse = reverseOnly || d == 1
            for step in 0..<seq {
                let t = reverse ? seq - 1 - step : step
                if lstm { lstmStep(io, t: t, dir: d) } else { gruStep(io, t: t, dir: d, bias: stepBias) }
                if wantY {
                    let y = io.outputFloats(0)
                    for b in 0..<batch {
                        let dst = y + yIndex(t, d, b)
                        if t < length(io, b) { dst.update(from: h + b * hidden, count: hidden) } else { dst.update(repeating: 0, count: hidden) }
                    }
                }
            }
            for b in 0..<batch {
                if wantYh { (io.outputFloats(1) + stateIndex(d, b)).update(from: h + b * hidden, count: hidden) }
                if wantYc { (io.outputFloats(2) + stateIndex(d, b)).update(from: c + b * hidden, count: hidden) }
            }
        }
    }
}
