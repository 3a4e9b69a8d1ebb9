#if canImport(Glibc)
import Glibc
#endif

/// One time step of each cell type, straight from the ONNX equations (default activations
/// f = Sigmoid, g = h = Tanh). Rows past their sequence length keep their state.
extension RecurrentPlan {
    @inline(__always) private func sigmoid(_ v: Float) -> Float { 1 / (1 + expf(-v)) }

    /// LSTM: i = f(Xi + Hi + Pi⊙C), f = f(Xf + Hf + Pf⊙C), c̃ = g(Xc + Hc),
    /// C' = f⊙C + i⊙c̃, o = f(Xo + Ho + Po⊙C'), H' = o⊙h(C').
    func lstmStep(_ io: KernelIO, t: Int, dir d: Int) {
        let s = io.scratch.unsafelyUnwrapped.assumingMemoryBound(to: Float.self)
        let xw = s, h = s + hOffset, c = s + cOffset, g = s + gatesOffset
        hiddenProduct(io, h, part: 0, dir: d, g)
        let p: UnsafePointer<Float>? = hasPeepholes ? io.floats(7) + d * 3 * hidden : nil
        let n = hidden
        for b in 0..<batch where t < length(io, b) {
            let xr = xw + xRow(t, b) * gh, hr = g + b * gh, hb = h + b * n, cb = c + b * n
            for j in 0..<n {
                var gi = xr[j] + hr[j], go = xr[n + j] + hr[n + j]
                var gf = xr[2 * n + j] + hr[2 * n + j]
                let gc = xr[3 * n + j] + hr[3 * n + j]
                if let p {
                    gi += p[j] * cb[j]
                    gf += p[2 * n + j] * cb[j]
                }
                let cNew = sigmoid(clamp(gf)) * cb[j] + sigmoid(clamp(gi)) * tanhf(clamp(gc))
                if let p { go += p[n + j] * cNew }
                cb[j] = cNew
                hb[j] = sigmoid(clamp(go)) * tanhf(cNew)
            }
        }
    }

    /// GRU: z = f(Xz + Hz), r = f(Xr + Hr),
    /// h̃ = g(Xh + (r⊙H)·Rhᵀ + Rbh)            (linear_before_reset = 0)
    /// h̃ = g(Xh + r⊙(H·Rhᵀ + Rbh))            (linear_before_reset = 1),
    /// H' = (1 − z)⊙h̃ + z⊙H. (Rbh sits in `xw` in the first form.)
    func gruStep(_ io: KernelIO, t: Int, dir d: Int) {
        let s = io.scratch.unsafelyUnwrapped.assumingMemoryBound(to: Float.self)
        let xw = s, h = s + hOffset, g = s + gatesOffset, rh = s + rhOffset
        let n = hidden
        hiddenProduct(io, h, part: 0, dir: d, g)
        if linearBeforeReset { hiddenProduct(io, h, part: 1, dir: d, g + 2 * n) }
        // z into the z slot; r into the r slot (linear_before_reset) or r ⊙ H into rh.
        for b in 0..<batch {
            let xr = xw + xRow(t, b) * gh, gr = g + b * gh, hb = h + b * n
            for j in 0..<n {
                gr[j] = sigmoid(clamp(xr[j] + gr[j]))
                let r = sigmoid(clamp(xr[n + j] + gr[n + j]))
                if linearBeforeReset { gr[n + j] = r } else { rh[b * n + j] = r * hb[j] }
            }
        }
        if !linearBeforeReset { hiddenProduct(io, rh, part: 1, dir: d, g + 2 * n) }
        let rbh: UnsafePointer<Float>? = hasBias && linearBeforeReset ? io.floats(3) + d * 2 * gh + gh + 2 * n : nil
        for b in 0..<batch where t < length(io, b) {
            let xr = xw + xRow(t, b) * gh, gr = g + b * gh, hb = h + b * n
            for j in 0..<n {
                let pre: Float
                if linearBeforeReset {
                    pre = xr[2 * n + j] + gr[n + j] * (gr[2 * n + j] + (rbh?[j] ?? 0))
                } else {
                    pre = xr[2 * n + j] + gr[2 * n + j]
                }
                let z = gr[j]
                hb[j] = (1 - z) * tanhf(clamp(pre)) + z * hb[j]
            }
        }
    }
}
