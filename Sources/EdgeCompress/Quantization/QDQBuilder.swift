import EdgeRuntime

/// Static int8 settings.
public struct Int8Settings: Sendable, Equatable {
    public var observer: ObserverKind = .minMax
    /// Per-output-channel weight scales (else one per tensor).
    public var perChannel = true
    /// int8 activations (else uint8), per-tensor scale and zero point either way.
    public var signedActivations = false
    public var biasCorrection = false
    public init() {}
}

/// Writes the QDQ graph ONNX Runtime's `quantize_static` writes: every activation tensor read or
/// written by a quantized layer passes QuantizeLinear → DequantizeLinear (so precision changes
/// only there), weights are int8 initializers behind DequantizeLinear (axis = output channels),
/// biases int32 behind DequantizeLinear with scale x_scale · w_scale[c]. `GraphOptimizer` then
/// fuses each DQ → layer → [Relu/Clip] → Q into an int8 kernel.
enum QDQBuilder {
    static let sameGridOps: Set<String> = ["Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "MaxPool"]

    static func build(_ graph: Graph, layers: [QuantizableLayer], including included: Set<String>,
                      data: CalibrationData, settings: Int8Settings) -> (Graph, [LayerChange]) {
        var g = graph
        var names = Names(graph)
        var params: [String: ActivationQuantization] = [:]
        let producer = Dictionary(graph.nodes.flatMap { n in n.outputs.map { ($0, n) } }, uniquingKeysWith: { a, _ in a })
        func quantization(_ t: String) -> ActivationQuantization? {
            if let p = params[t] { return p }
            guard data.statistics[t] != nil else { return nil }
            // Ops that only move or select values keep their input's grid, so their QuantizeLinear
            // is exact (no second rounding), as ONNX Runtime shares the parameters there.
            if let p = producer[t], sameGridOps.contains(p.op), let input = p.inputs.first, data.statistics[input] != nil,
               let shared = quantization(input) {
                params[t] = shared
                return shared
            }
            let s = data.statistics[t]!
            let (lo, hi) = s.range(settings.observer, signed: settings.signedActivations)
            let p = ActivationQuantization.parameters(lo: lo, hi: hi, signed: settings.signedActivations)
            params[t] = p
            return p
        }
        var changes: [LayerChange] = []
        var tensors: [String] = []
        for layer in layers {
            guard included.contains(layer.name) else {
                changes.append(LayerChange(node: layer.name, op: layer.op, detail: "kept float", changed: false))
                continue
            }
            guard (layer.inputs + [layer.output]).allSatisfy({ quantization($0) != nil }) else {
                changes.append(LayerChange(node: layer.name, op: layer.op, detail: "kept float: a tensor is not float32 or was not observed", changed: false))
                continue
            }
            tensors += layer.inputs + [layer.output]
            var detail = "activations " + (settings.signedActivations ? "int8" : "uint8")
            if case .weighted(let layout) = layer.kind {
                let outputs = graph.nodes[layer.node].outputs
                detail = quantizeWeights(&g, node: g.nodes.firstIndex { $0.outputs == outputs }!, layout, input: quantization(layer.inputs[0])!,
                                         means: data.channelMeans[layer.inputs[0]], settings: settings, names: &names)
            }
            changes.append(LayerChange(node: layer.name, op: layer.op, detail: detail, changed: true))
        }
        var seen = Set<String>()
        for t in tensors where seen.insert(t).inserted {
            insertQDQ(&g, tensor: t, params[t]!, names: &names)
        }
        return (g, changes)
    }

    /// Replaces the layer's weight (and bias) initializers by int8 (int32) ones behind DequantizeLinear.
    private static func quantizeWeights(_ g: inout Graph, node ni: Int, _ layout: WeightLayout, input: ActivationQuantization,
                                        means: [Double]?, settings: Int8Settings, names: inout Names) -> String {
        let node = g.nodes[ni]
        let w = g.initializers[layout.weight]!
        let floats = (try? w.floatValues()) ?? []
        let q = QuantizedWeights(floats, shape: w.shape, axis: layout.axis, perChannel: settings.perChannel)
        let channels = w.shape[layout.axis]
        var detail = "int8 weights " + (settings.perChannel ? "per channel (\(channels))" : "per tensor")
        let (wv, ws, wz) = q.tensors
        let qname = names.fresh("\(layout.weight)_quantized")
        g.initializers[layout.weight] = nil
        g.initializers[qname] = wv
        var dq = dequantize(qname, scale: ws, zero: wz, output: layout.weight, axis: layout.axis, &g, &names)
        guard let bi = layout.biasInput else { g.nodes.insert(dq, at: ni); return detail }

        var bias: [Float]? = nil
        if bi < node.inputs.count, !node.inputs[bi].isEmpty, let b = g.initializers[node.inputs[bi]] {
            bias = (try? b.floatValues()).flatMap { $0.count == channels && b.shape.count == 1 ? $0 : nil }
        }
        if settings.biasCorrection, let means {
            let corrected = BiasQuantization.corrected(bias ?? [Float](repeating: 0, count: channels), original: floats,
                                                       quantized: q.dequantized, inputMeans: means,
                                                       layout: { layout.channels(of: $0, shape: w.shape) })
            if bias != nil || (bi >= node.inputs.count || node.inputs[bi].isEmpty) {
                bias = corrected
                detail += ", bias corrected"
            }
        }
        var nodes = [dq]
        if let bias, let (values, scales) = BiasQuantization.int32(bias, inputScale: input.scale, weightScales: q.scales) {
            let bname = bi < node.inputs.count && !node.inputs[bi].isEmpty ? node.inputs[bi] : names.fresh("\(node.name)_bias")
            let qb = names.fresh("\(bname)_quantized")
            g.initializers[bname] = nil
            g.initializers[qb] = try! Tensor(values, shape: [channels])
            dq = dequantize(qb, scale: try! Tensor(scales, shape: [channels]), zero: try! Tensor([Int32](repeating: 0, count: channels), shape: [channels]),
                            output: bname, axis: 0, &g, &names)
            nodes.append(dq)
            while g.nodes[ni].inputs.count <= bi { g.nodes[ni].inputs.append("") }
            g.nodes[ni].inputs[bi] = bname
            detail += ", int32 bias"
        } else if let bias, bi < node.inputs.count, !node.inputs[bi].isEmpty {
            g.initializers[node.inputs[bi]] = try! Tensor(bias, shape: [channels])
        }
        g.nodes.insert(contentsOf: nodes, at: ni)
        return detail
    }

    static func dequantize(_ input: String, scale: Tensor, zero: Tensor, output: String, axis: Int,
                                   _ g: inout Graph, _ names: inout Names) -> Node {
        let s = names.fresh("\(output)_scale"), z = names.fresh("\(output)_zero_point")
        g.initializers[s] = scale
        g.initializers[z] = zero
        var node = Node(name: names.fresh("\(output)_DequantizeLinear"), op: "DequantizeLinear", inputs: [input, s, z], outputs: [output])
        // A 1-D scale is per-axis in ONNX even with one value (a layer with one output channel,
        // e.g. a ranker's score); without the attribute the default axis 1 does not exist on a
        // rank-1 bias, so the axis is written for every 1-D scale.
        if scale.count > 1 || scale.shape.count == 1 { node.attributes["axis"] = .int(axis) }
        return node
    }

    /// t → QuantizeLinear → DequantizeLinear → every reader of t. A produced tensor keeps its
    /// name on the DequantizeLinear output (graph outputs stay named); a graph input is read
    /// through a new name.
    private static func insertQDQ(_ g: inout Graph, tensor t: String, _ p: ActivationQuantization, names: inout Names) {
        let (scale, zero) = p.tensors
        let s = names.fresh("\(t)_scale"), z = names.fresh("\(t)_zero_point")
        g.initializers[s] = scale
        g.initializers[z] = zero
        let quantized = names.fresh("\(t)_quantized")
        if let pi = g.nodes.firstIndex(where: { $0.outputs.contains(t) }) {
            let raw = names.fresh("\(t)_float")
            for k in g.nodes[pi].outputs.indices where g.nodes[pi].outputs[k] == t { g.nodes[pi].outputs[k] = raw }
            g.nodes.insert(contentsOf: [
                Node(name: names.fresh("\(t)_QuantizeLinear"), op: "QuantizeLinear", inputs: [raw, s, z], outputs: [quantized]),
                Node(name: names.fresh("\(t)_DequantizeLinear"), op: "DequantizeLinear", inputs: [quantized, s, z], outputs: [t]),
            ], at: pi + 1)
        } else {
            let dq = names.fresh("\(t)_dequantized")
            for i in g.nodes.indices { g.nodes[i].inputs = g.nodes[i].inputs.map { $0 == t ? dq : $0 } }
            g.nodes.insert(contentsOf: [
                Node(name: names.fresh("\(t)_QuantizeLinear"), op: "QuantizeLinear", inputs: [t, s, z], outputs: [quantized]),
                Node(name: names.fresh("\(t)_DequantizeLinear"), op: "DequantizeLinear", inputs: [quantized, s, z], outputs: [dq]),
            ], at: 0)
        }
    }
}
