import CEdgeKernels
import EdgeRuntime

/// 2-D convolution (NCHW, ONNX weight layout [Cout, Cin/groups, kh, kw]) with groups, stride,
/// symmetric padding and dilation. Dense groups run im2col + `ek_sgemm`
/// (forward Y = W·cols; backward dW = dY·colsᵀ, dX = `ek_col2im`(Wᵀ·dY)); depthwise runs
/// `ek_conv2d_depthwise` forward and `ek_conv2d_depthwise_backward`. The batch is split over the pool.
public final class Conv2D: Layer {
    public let name: String
    public let weight: Parameter
    public let bias: Parameter?
    public private(set) var geometry: ConvGeometry
    /// Fake-quantizes the weight in the forward pass (QAT); nil = float.
    public var weightQuant: FakeQuantSpec?

    public init(name: String, inChannels: Int, outChannels: Int, kernel: (Int, Int), stride: Int = 1,
                padding: (Int, Int)? = nil, dilation: Int = 1, groups: Int = 1, bias: Bool = true,
                rng: inout SplitMix64) {
        self.name = name
        let pad = padding ?? (dilation * (kernel.0 - 1) / 2, dilation * (kernel.1 - 1) / 2)
        geometry = ConvGeometry(inChannels: inChannels, outChannels: outChannels, groups: groups,
                                kernelH: kernel.0, kernelW: kernel.1, strideH: stride, strideW: stride,
                                padH: pad.0, padW: pad.1, dilationH: dilation, dilationW: dilation)
        let fanIn = max(inChannels / max(groups, 1), 1) * kernel.0 * kernel.1
        let shape = [outChannels, max(inChannels / max(groups, 1), 1), kernel.0, kernel.1]
        weight = Parameter(name: "\(name).weight", shape: shape,
                           value: Initializer.he(shape.reduce(1, *), fanIn: fanIn, &rng), decays: true, quantAxis: 0)
        self.bias = bias ? Parameter(name: "\(name).bias", shape: [outChannels], value: [Float](repeating: 0, count: outChannels), decays: false) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public func outputShape(_ inputs: [[Int]]) throws(EdgeError) -> [Int] {
        guard inputs.count == 1, inputs[0].count == 3, inputs[0][0] == geometry.inChannels else {
            throw EdgeError(.invalidGraph, "\(name): expects one [\(geometry.inChannels), H, W] input, got \(inputs)")
        }
        var g = geometry
        (g.inH, g.inW) = (inputs[0][1], inputs[0][2])
        try g.validate(name)
        return [g.outChannels, g.outH, g.outW]
    }

    private func bind(_ x: TTensor) -> ConvGeometry {
        var g = geometry
        (g.inH, g.inW) = (x.shape[2], x.shape[3])
        geometry = g
        return g
    }

    /// The weight used by forward and backward (fake-quantized under QAT; the gradient passes straight through).
    private func effectiveWeight() -> [Float] {
        weightQuant.map { FakeQuant.weights(weight.value, shape: weight.shape, axis: 0, spec: $0) } ?? weight.value
    }

    public func forward(_ inputs: [TTensor], _ ctx: RunContext) throws(EdgeError) -> TTensor {
        let x = inputs[0], g = bind(x), n = x.batch
        let (inItem, outItem, plane) = (g.inChannels * g.inH * g.inW, g.outChannels * g.outH * g.outW, g.outH * g.outW)
        var y = TTensor(shape: [n, g.outChannels, g.outH, g.outW])
        let w = effectiveWeight()
        let zeroBias = [Float](repeating: 0, count: g.outChannels)
        let b = bias?.value ?? zeroBias
        let none = ek_activation(kind: 0, alpha: 0, beta: 0)
        var ekg = g.ek
        var ekdw = g.ek(channels: g.inChannels)
        x.data.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                b.withUnsafeBufferPointer { bp in
                    y.data.withUnsafeMutableBufferPointer { yp in
                        ctx.pool.chunked(n) { _, lo, hi in
                            var col = [Float](repeating: 0, count: (g.isDepthwise || g.isPointwise) ? 0 : g.patch * plane)
                            for i in lo..<hi {
                                let xi = xp.baseAddress! + i * inItem, yi = yp.baseAddress! + i * outItem
                                if g.isDepthwise {
                                    ek_conv2d_depthwise(xi, wp.baseAddress!, bp.baseAddress!, yi, &ekdw, Int64(g.outChannels / g.inChannels), none, nil)
                                    continue
                                }
                                for grp in 0..<g.groups {
                                    let xg = xi + grp * g.groupIn * g.inH * g.inW
                                    col.withUnsafeMutableBufferPointer { cp in
                                        let src: UnsafePointer<Float>
                                        if g.isPointwise { src = UnsafePointer(xg) } else {
                                            ek_im2col(xg, cp.baseAddress!, &ekg)
                                            src = UnsafePointer(cp.baseAddress!)
                                        }
                                        ek_sgemm(0, 0, Int64(g.groupOut), Int64(plane), Int64(g.patch),
                                                 wp.baseAddress! + grp * g.groupOut * g.patch, Int64(g.patch), src, Int64(plane),
                                                 0, yi + grp * g.groupOut * plane, Int64(plane),
                                                 bp.baseAddress! + grp * g.groupOut, Int32(EK_BIAS_PER_ROW.rawValue), none, nil)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    public func backward(_ dy: TTensor, inputs: [TTensor], output: TTensor, needs: [Bool], _ ctx: RunContext) -> [TTensor?] {
        let x = inputs[0], g = bind(x), n = x.batch
        let (inItem, outItem, plane) = (g.inChannels * g.inH * g.inW, g.outChannels * g.outH * g.outW, g.outH * g.outW)
        let chunks = ctx.pool.chunkCount(n)
        var dW = [Float](repeating: 0, count: chunks * weight.count)
        var dx = needs[0] ? TTensor(shape: x.shape) : nil
        var dxData = dx?.data ?? []
        let w = effectiveWeight()
        var ekg = g.ek
        var ekdw = g.ek(channels: g.inChannels)
        let dwScratch = g.isDepthwise ? ek_conv2d_depthwise_backward_scratch(&ekdw) : 0
        x.data.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                dy.data.withUnsafeBufferPointer { dyp in
                    dW.withUnsafeMutableBufferPointer { dwp in
                        dxData.withUnsafeMutableBufferPointer { dxp in
                            ctx.pool.chunked(n) { chunk, lo, hi in
                                let dwc = dwp.baseAddress! + chunk * weight.count
                                let dense = !(g.isDepthwise || g.isPointwise)
                                var col = [Float](repeating: 0, count: dense ? g.patch * plane : 0)
                                var dcol = [Float](repeating: 0, count: dense && needs[0] ? g.patch * plane : 0)
                                var scratch = [Float](repeating: 0, count: dwScratch)
                                for i in lo..<hi {
                                    let xi = xp.baseAddress! + i * inItem, dyi = dyp.baseAddress! + i * outItem
                                    let dxi = needs[0] ? dxp.baseAddress! + i * inItem : nil
                                    if g.isDepthwise {
                                        var geometry = ekdw // per-thread copy: the C call takes its address
                                        scratch.withUnsafeMutableBufferPointer { sp in
                                            ek_conv2d_depthwise_backward(xi, wp.baseAddress!, dyi, dxi, dwc, &geometry, Int64(g.outChannels / g.inChannels), sp.baseAddress)
                                        }
                                        continue
                                    }
                                    for grp in 0..<g.groups {
                                        let xg = xi + grp * g.groupIn * g.inH * g.inW
                                        let dyg = dyi + grp * g.groupOut * plane
                                        let wg = wp.baseAddress! + grp * g.groupOut * g.patch
                                        col.withUnsafeMutableBufferPointer { cp in
                                            dcol.withUnsafeMutableBufferPointer { dcp in
                                                let src: UnsafePointer<Float>
                                                if g.isPointwise { src = xg } else {
                                                    ek_im2col(xg, cp.baseAddress!, &ekg)
                                                    src = UnsafePointer(cp.baseAddress!)
                                                }
                                                Self.gemm(1, true, g.groupOut, g.patch, plane, dyg, plane, src, plane, dwc + grp * g.groupOut * g.patch, g.patch)
                                                guard let dxi else { return }
                                                let dxg = dxi + grp * g.groupIn * g.inH * g.inW
                                                if g.isPointwise {
                                                    Self.gemmTA(g.patch, plane, g.groupOut, wg, g.patch, dyg, plane, dxg, plane, accumulate: true)
                                                } else {
                                                    Self.gemmTA(g.patch, plane, g.groupOut, wg, g.patch, dyg, plane, dcp.baseAddress!, plane, accumulate: false)
                                                    ek_col2im(dcp.baseAddress!, dxg, &ekg)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        Reduce.sumChunks(dW, chunks: chunks, into: &weight.grad)
        if let bias { Reduce.channelSums(dy, into: &bias.grad) }
        if dx != nil { dx!.data = dxData }
        return [dx]
    }

    /// C[M,N] (+)= A[M,K] · B[N,K]ᵀ.
    static func gemm(_ beta: Float, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int,
                     _ b: UnsafePointer<Float>, _ ldb: Int, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        ek_sgemm(0, transB ? 1 : 0, Int64(m), Int64(n), Int64(k), a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc),
                 nil, 0, ek_activation(kind: 0, alpha: 0, beta: 0), nil)
    }

    /// C[M,N] (+)= A[K,M]ᵀ · B[K,N].
    static func gemmTA(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                       _ c: UnsafeMutablePointer<Float>, _ ldc: Int, accumulate: Bool) {
        ek_sgemm(1, 0, Int64(m), Int64(n), Int64(k), a, Int64(lda), b, Int64(ldb), accumulate ? 1 : 0, c, Int64(ldc),
                 nil, 0, ek_activation(kind: 0, alpha: 0, beta: 0), nil)
    }

    public func export(_ inputs: [String], output: String, into graph: GraphBuilder) throws(EdgeError) {
        let g = geometry
        var names = inputs + [graph.constant(weight.name, shape: weight.shape, values: effectiveWeight())]
        if let bias { names.append(graph.constant(bias.name, shape: bias.shape, values: bias.value)) }
        graph.node("Conv", name: name, inputs: names, output: output, [
            "kernel_shape": .ints([g.kernelH, g.kernelW]), "strides": .ints([g.strideH, g.strideW]),
            "pads": .ints([g.padH, g.padW, g.padH, g.padW]), "dilations": .ints([g.dilationH, g.dilationW]),
            "group": .int(g.groups),
        ])
    }
}

/// Sums shared by several layers' backward passes.
enum Reduce {
    /// grad[j] += Σ_c partial[c·count + j] over `chunks` per-thread partials.
    static func sumChunks(_ partial: [Float], chunks: Int, into grad: inout [Float]) {
        let count = grad.count
        partial.withUnsafeBufferPointer { p in
            grad.withUnsafeMutableBufferPointer { g in
                for c in 0..<chunks { for j in 0..<count { g[j] += p[c * count + j] } }
            }
        }
    }

    /// grad[c] += Σ_{n, spatial} t[n, c, …] (bias gradients of NC… tensors; rank 2 = [N, C]).
    static func channelSums(_ t: TTensor, into grad: inout [Float]) {
        let (n, c) = (t.shape[0], t.shape[1])
        let plane = t.count / max(n * c, 1)
        t.data.withUnsafeBufferPointer { p in
            grad.withUnsafeMutableBufferPointer { g in
                for i in 0..<n {
                    for ch in 0..<c {
                        let base = p.baseAddress! + (i * c + ch) * plane
                        var s: Float = 0
                        for k in 0..<plane { s += base[k] }
                        g[ch] += s
                    }
                }
            }
        }
    }
}
