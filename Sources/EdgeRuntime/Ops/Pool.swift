import CEdgeKernels

/// ONNX MaxPool and AveragePool (float32, 1-D/2-D/3-D): kernel_shape, strides, pads,
/// dilations, ceil_mode, auto_pad and (AveragePool) count_include_pad. MaxPool's optional
/// Indices output is not supported.
///
/// 2-D (and 1-D) windows without dilation run the C kernel `ek_pool2d` (vectorised across output
/// columns; specialised for the common 1×2, 2×2, 3×3 kernels with stride 1 or 2). Otherwise
/// each spatial axis gets precomputed tap ranges and the Swift loop works a whole output row at a
/// time: for each kernel tap it sweeps the output columns whose tap lands inside the input
/// (a long, branch-free inner loop), then divides by the window counts (AveragePool).
enum PoolOps: OpDefinition {
    static let opTypes = ["MaxPool", "AveragePool"]

    /// Per output position along one axis: the kernel taps [lo, hi) that land inside the input,
    /// the input index of tap 0, and the window size counted with padding (AveragePool);
    /// per kernel tap: the outputs [tapLo, tapHi) for which that tap lands inside the input.
    /// Kept in one heap block read through raw pointers, so the run loop has no bounds checks.
    struct AxisTaps: @unchecked Sendable {
        private let storage: TensorStorage
        let lo: UnsafeMutablePointer<Int>, hi: UnsafeMutablePointer<Int>
        let start: UnsafeMutablePointer<Int>, padded: UnsafeMutablePointer<Int>
        let tapLo: UnsafeMutablePointer<Int>, tapHi: UnsafeMutablePointer<Int>

        init(input: Int, kernel: Int, stride: Int, dilation: Int, padBegin: Int, padEnd: Int, output: Int) {
            let count = 4 * output + 2 * kernel
            storage = TensorStorage(byteCount: count * MemoryLayout<Int>.size)
            let base = storage.bytes.bindMemory(to: Int.self, capacity: count)
            lo = base; hi = base + output; start = base + 2 * output; padded = base + 3 * output
            tapLo = base + 4 * output; tapHi = tapLo + kernel
            for k in 0..<kernel {
                let off = k * dilation - padBegin
                let h = input - 1 - off >= 0 ? min(output, (input - 1 - off) / stride + 1) : 0
                tapHi[k] = h
                tapLo[k] = min(off >= 0 ? 0 : (-off + stride - 1) / stride, h)
            }
            for o in 0..<output {
                let s = o * stride - padBegin
                var l = 0, h = kernel, withPad = 0
                while l < kernel && s + l * dilation < 0 { l += 1 }
                while h > l && s + (h - 1) * dilation >= input { h -= 1 }
                // Taps inside [-padBegin, input + padEnd): the ONNX count_include_pad divisor
                // (ceil_mode windows that run past the end padding do not count the overhang).
                for t in 0..<kernel where s + t * dilation < input + padEnd { withPad += 1 }
                lo[o] = l; hi[o] = max(h, l); start[o] = s; padded[o] = withPad
            }
        }
    }

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32])
        guard x.rank >= 3 && x.rank <= 5 else {
            throw ctx.fail("input must be N×C×D1[×D2[×D3]] (rank 3–5), got shape \(x.shape)")
        }
        if ctx.node.outputs.count > 1 && !ctx.node.outputs[1].isEmpty {
            throw EdgeError(.unsupported, "\(ctx.node.label): the Indices output of MaxPool is not supported")
        }
        let attrs = ctx.attributes
        guard let kernel = try attrs.ints("kernel_shape") else { throw ctx.fail("kernel_shape is required") }
        let ceil = try attrs.int("ceil_mode", default: 0) != 0
        let geometry = try WindowGeometry(node: ctx.node, input: Array(x.shape[2...]), kernel: kernel, ceilMode: ceil)
        let isMax = ctx.node.op == "MaxPool"
        let includePad = try attrs.int("count_include_pad", default: 0) != 0
        let outType = TensorType(.float32, Array(x.shape[0..<2]) + geometry.output)
        _ = try ShapeMath.elementCount(outType.shape)

        let w = Window3(geometry)
        let pads3 = [Int](repeating: 0, count: 3 - geometry.rank) + geometry.padEnd
        func axis(_ i: Int, _ input: Int, _ k: Int, _ s: Int, _ d: Int, _ p: Int, _ out: Int) -> AxisTaps {
            AxisTaps(input: input, kernel: k, stride: s, dilation: d, padBegin: p, padEnd: pads3[i], output: out)
        }
        let td = axis(0, w.input.d, w.kernel.d, w.stride.d, w.dilation.d, w.pad.d, w.output.d)
        let th = axis(1, w.input.h, w.kernel.h, w.stride.h, w.dilation.h, w.pad.h, w.output.h)
        let tw = axis(2, w.input.w, w.kernel.w, w.stride.w, w.dilation.w, w.pad.w, w.output.w)
        let planes = x.shape[0] * x.shape[1]
        let inPlane = w.input.count
        let dd = w.dilation.d, dh = w.dilation.h, dw = w.dilation.w
        let inH = w.input.h, inW = w.input.w

        let outD = w.output.d, outH = w.output.h, outW = w.output.w, kw = w.kernel.w
        let sw = w.stride.w, padW = w.pad.w
        let pool = ctx.options.pool, work = planes * w.output.count * w.kernel.count
        if w.kernel.d == 1 && w.input.d == 1 && w.output.d == 1 && w.pad.d == 0 && dh == 1 && dw == 1 {
            let g = ek_pool2d_geometry(in_h: Int64(inH), in_w: Int64(inW), out_h: Int64(outH), out_w: Int64(outW),
                                       kernel_h: Int64(w.kernel.h), kernel_w: Int64(kw),
                                       stride_h: Int64(w.stride.h), stride_w: Int64(sw),
                                       pad_top: Int64(w.pad.h), pad_left: Int64(padW),
                                       pad_bottom: Int64(pads3[1]), pad_right: Int64(pads3[2]))
            let outPlane = outH * outW, maxFlag: Int32 = isMax ? 1 : 0, padFlag: Int32 = includePad ? 1 : 0
            return Prepared(outputTypes: [outType]) { io in
                let src = io.floats(0), dst = io.outputFloats(0)
                parallelFor(pool, planes, work: work) { first, end in
                    withUnsafePointer(to: g) {
                        ek_pool2d(src + first * inPlane, dst + first * outPlane, Int64(end - first), $0, maxFlag, padFlag)
                    }
                }
            }
        }
        return Prepared(outputTypes: [outType]) { io in
            let src = io.floats(0), dst = io.outputFloats(0)
            parallelFor(pool, planes, work: work) { first, end in
                for p in first..<end {
                    let xp = src + p * inPlane
                    for od in 0..<outD {
                        for oh in 0..<outH {
                            let out = dst + ((p * outD + od) * outH + oh) * outW
                            out.update(repeating: isMax ? -.greatestFiniteMagnitude : 0, count: outW)
                            for kd in td.lo[od]..<td.hi[od] {
                                let id = td.start[od] + kd * dd
                                for kh in th.lo[oh]..<th.hi[oh] {
                                    let row = xp + (id * inH + th.start[oh] + kh * dh) * inW
                                    for k in 0..<kw {
                                        let off = k * dw - padW
                                        if isMax {
                                            for ow in tw.tapLo[k]..<tw.tapHi[k] { out[ow] = max(out[ow], row[ow * sw + off]) }
                                        } else {
                                            for ow in tw.tapLo[k]..<tw.tapHi[k] { out[ow] += row[ow * sw + off] }
                                        }
                                    }
                                }
                            }
                            if !isMax {
                                let outer = includePad ? td.padded[od] * th.padded[oh] : (td.hi[od] - td.lo[od]) * (th.hi[oh] - th.lo[oh])
                                for ow in 0..<outW {
                                    let count = outer * (includePad ? tw.padded[ow] : tw.hi[ow] - tw.lo[ow])
                                    out[ow] = count > 0 ? out[ow] / Float(count) : 0
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// ONNX GlobalAveragePool and GlobalMaxPool: one value per (image, channel) over all spatial axes
/// (`ek_global_pool`: a vectorised per-plane sum or max).
enum GlobalPoolOps: OpDefinition {
    static let opTypes = ["GlobalAveragePool", "GlobalMaxPool"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let x = try ctx.input(0, oneOf: [.float32])
        guard x.rank >= 3 else { throw ctx.fail("input must be N×C×spatial (rank ≥ 3), got \(x.shape)") }
        let plane = x.shape[2...].reduce(1, *)
        guard plane > 0 else { throw ctx.fail("input \(x.shape) has an empty spatial dimension") }
        let planes = x.shape[0] * x.shape[1]
        let isMax = ctx.node.op == "GlobalMaxPool"
        let outType = TensorType(.float32, Array(x.shape[0..<2]) + [Int](repeating: 1, count: x.rank - 2))
        let pool = ctx.options.pool
        return Prepared(outputTypes: [outType]) { io in
            let src = io.floats(0), dst = io.outputFloats(0)
            parallelFor(pool, planes, work: planes * plane) { first, end in
                ek_global_pool(src + first * plane, dst + first, Int64(end - first), Int64(plane), isMax ? 1 : 0)
            }
        }
    }
}
