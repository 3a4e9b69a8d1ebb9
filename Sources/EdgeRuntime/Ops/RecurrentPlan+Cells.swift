import CEdgeKernels

/// One time step of each cell type, from the ONNX equations (default activations f = Sigmoid,
/// g = h = Tanh). The gate math runs on whole contiguous gate rows: vector adds in Swift, then
/// `ek_activation_apply` (vectorised sigmoid/tanh) per gate block. Rows past their sequence
/// length keep their state.
extension RecurrentPlan {
    /// In place: p[0..<n] = f(clip(p)), clip only when the node has one.
    @inline(__always) private func activate(_ p: UnsafeMutablePointer<Float>, _ n: Int, _ kind: ek_activation_kind) {
        if clip > 0 { ek_activation_apply(p, p, n, ek_activation(kind: Int32(EK_ACT_CLIP.rawValue), alpha: -clip, beta: clip)) }
        ek_activation_apply(p, p, n, ek_activation(kind: Int32(kind.rawValue), alpha: 0, beta: 0))
    }

    /// y[0..<n] += x[0..<n]
    @inline(__always) private func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) {
        for j in 0..<n { y[j] += x[j] }
    }

    /// LSTM: i = f(Xi + Hi + Pi⊙C), f = f(Xf + Hf + Pf⊙C), c̃ = g(Xc + Hc),
    /// C' = f⊙C + i⊙c̃, o = f(Xo + Ho + Po⊙C'), H' = o⊙h(C').  Gate blocks in g: i, o, f, c.
    func lstmStep(_ io: KernelIO, t: Int, dir d: Int) {
        let s = io.scratch.unsafelyUnwrapped.assumingMemoryBound(to: Float.self)
        let xw = s, h = s + hOffset, c = s + cOffset, g = s + gatesOffset, tc = s + rhOffset
        hiddenProduct(io, h, part: 0, dir: d, g)
        let p: UnsafePointer<Float>? = hasPeepholes ? io.floats(7) + d * 3 * hidden : nil
        let n = hidden
        for b in 0..<batch where t < length(io, b) {
            let gr = g + b * gh, hb = h + b * n, cb = c + b * n, tb = tc + b * n
            let gi = gr, go = gr + n, gf = gr + 2 * n, gc = gr + 3 * n
            add(gr, xw + xRow(t, b) * gh, gh)
            if let p {
                for j in 0..<n {
                    gi[j] += p[j] * cb[j]
                    gf[j] += p[2 * n + j] * cb[j]
                }
                activate(gi, n, EK_ACT_SIGMOID)
                activate(gf, n, EK_ACT_SIGMOID)
            } else {
                activate(gi, 3 * n, EK_ACT_SIGMOID)  // i, o, f are adjacent
            }
            activate(gc, n, EK_ACT_TANH)
            for j in 0..<n { cb[j] = gf[j] * cb[j] + gi[j] * gc[j] }
            if let p {
                for j in 0..<n { go[j] += p[n + j] * cb[j] }
                activate(go, n, EK_ACT_SIGMOID)
            }
            ek_activation_apply(cb, tb, n, ek_activation(kind: Int32(EK_ACT_TANH.rawValue), alpha: 0, beta: 0))
            for j in 0..<n { hb[j] = go[j] * tb[j] }
        }
    }

    /// GRU: z = f(Xz + Hz), r = f(Xr + Hr),
    /// h̃ = g(Xh + (r⊙H)·Rhᵀ + Rbh)            (linear_before_reset = 0; Rbh sits in `xw`)
    /// h̃ = g(Xh + r⊙(H·Rhᵀ + Rbh))            (linear_before_reset = 1; Rbh is `bias` of the product),
    /// H' = (1 − z)⊙h̃ + z⊙H = h̃ + z⊙(H − h̃).  Gate blocks in g: z, r, h.
    func gruStep(_ io: KernelIO, t: Int, dir d: Int, bias: UnsafePointer<Float>?) {
        let s = io.scratch.unsafelyUnwrapped.assumingMemoryBound(to: Float.self)
        let xw = s, h = s + hOffset, g = s + gatesOffset, rh = s + rhOffset
        let n = hidden
        // linear_before_reset: all three gate blocks in one product; otherwise z|r first.
        hiddenProduct(io, h, part: 0, dir: d, g, bias: bias)
        for b in 0..<batch {
            let gr = g + b * gh
            add(gr, xw + xRow(t, b) * gh, 2 * n)
            activate(gr, 2 * n, EK_ACT_SIGMOID)
        }
        if !linearBeforeReset {
            for b in 0..<batch {
                let r = g + b * gh + n, hb = h + b * n, rb = rh + b * n
                for j in 0..<n { rb[j] = r[j] * hb[j] }
            }
            hiddenProduct(io, rh, part: 1, dir: d, g + 2 * n)
        }
        for b in 0..<batch where t < length(io, b) {
            let xh = xw + xRow(t, b) * gh + 2 * n, gr = g + b * gh, hb = h + b * n
            let z = gr, r = gr + n, hh = gr + 2 * n
            if linearBeforeReset {
                for j in 0..<n { hh[j] = xh[j] + r[j] * hh[j] }
            } else {
                add(hh, xh, n)
            }
            activate(hh, n, EK_ACT_TANH)
            for j in 0..<n { hb[j] = hh[j] + z[j] * (hb[j] - hh[j]) }
        }
    }
}
