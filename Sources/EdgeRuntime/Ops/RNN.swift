/// ONNX GRU and LSTM (float32), one layer: direction forward / reverse / bidirectional,
/// default activations only (Sigmoid, Tanh[, Tanh]), optional B, sequence_lens,
/// initial_h / initial_c, LSTM peepholes P, GRU linear_before_reset, clip, layout 0 and 1;
/// outputs Y, Y_h (and LSTM Y_c), each optional. LSTM input_forget = 1 is not supported.
///
/// The input-to-hidden product of all time steps is one SGEMM into scratch (input bias
/// folded in); each step then runs one or two hidden-to-hidden SGEMMs over the batch and the
/// element-wise gate math (`RecurrentPlan+Cells.swift`). Constant W and R are packed once.
enum RecurrentOps: OpDefinition {
    static let opTypes = ["GRU", "LSTM"]

    static func prepare(_ ctx: PrepareContext) throws(EdgeError) -> Prepared {
        let lstm = ctx.node.op == "LSTM"
        let attrs = ctx.attributes
        let x = try ctx.input(0, oneOf: [.float32]), w = try ctx.input(1, oneOf: [.float32]), r = try ctx.input(2, oneOf: [.float32])
        let layout = try attrs.int("layout", default: 0)
        guard layout == 0 || layout == 1 else { throw ctx.fail("layout must be 0 or 1, got \(layout)") }
        guard x.rank == 3 else { throw ctx.fail("X must be 3-D, got \(x.shape)") }
        let seq = layout == 0 ? x.shape[0] : x.shape[1], batch = layout == 0 ? x.shape[1] : x.shape[0]
        let inputSize = x.shape[2]
        let direction = try attrs.string("direction", default: "forward")
        guard ["forward", "reverse", "bidirectional"].contains(direction) else {
            throw ctx.fail("unknown direction '\(direction)'")
        }
        let dirs = direction == "bidirectional" ? 2 : 1
        let gates = lstm ? 4 : 3
        guard r.rank == 3, r.shape[0] == dirs else { throw ctx.fail("R must be [\(dirs), \(gates)·hidden, hidden], got \(r.shape)") }
        let hidden = r.shape[2]
        if let hs = try attrs.int("hidden_size"), hs != hidden { throw ctx.fail("hidden_size \(hs) does not match R \(r.shape)") }
        guard r.shape[1] == gates * hidden else { throw ctx.fail("R must be [\(dirs), \(gates * hidden), \(hidden)], got \(r.shape)") }
        guard w.shape == [dirs, gates * hidden, inputSize] else {
            throw ctx.fail("W must be [\(dirs), \(gates * hidden), \(inputSize)], got \(w.shape)")
        }
        let stateShape = layout == 0 ? [dirs, batch, hidden] : [batch, dirs, hidden]
        func optional(_ i: Int, _ name: String, _ shape: [Int]) throws(EdgeError) -> Bool {
            guard ctx.hasInput(i) else { return false }
            let t = try ctx.input(i, oneOf: [.float32])
            guard t.shape == shape else { throw ctx.fail("\(name) must be \(shape), got \(t.shape)") }
            return true
        }
        let hasBias = try optional(3, "B", [dirs, 2 * gates * hidden])
        let hasInitialH = try optional(5, "initial_h", stateShape)
        let hasInitialC = lstm ? try optional(6, "initial_c", stateShape) : false
        let hasPeepholes = lstm ? try optional(7, "P", [dirs, 3 * hidden]) : false
        let seqLens = try sequenceLengths(ctx, batch: batch, seq: seq)
        try checkActivations(ctx, lstm: lstm, dirs: dirs)
        if lstm, try attrs.int("input_forget", default: 0) != 0 {
            throw EdgeError(.unsupported, "\(ctx.node.label): input_forget = 1 is not supported")
        }
        let clip = try attrs.float("clip")
        if let clip, !(clip > 0) { throw ctx.fail("clip must be positive, got \(clip)") }

        let outs = ctx.node.outputs
        let want = (0..<3).map { $0 < outs.count && !outs[$0].isEmpty }
        let yShape = layout == 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden]
        var types = [TensorType(.float32, yShape), TensorType(.float32, stateShape)]
        if lstm { types.append(TensorType(.float32, stateShape)) }

        var plan = RecurrentPlan(lstm: lstm, seq: seq, batch: batch, inputSize: inputSize, hidden: hidden, dirs: dirs,
                                 reverseOnly: direction == "reverse", layout: layout, clip: clip ?? 0,
                                 linearBeforeReset: try attrs.int("linear_before_reset", default: 0) != 0,
                                 hasBias: hasBias, hasInitialH: hasInitialH, hasInitialC: hasInitialC,
                                 hasPeepholes: hasPeepholes, seqLens: seqLens,
                                 wantY: want[0], wantYh: want[1], wantYc: lstm && want[2], pool: ctx.options.pool)
        _ = try ShapeMath.elementCount([seq, batch, dirs, gates * hidden])  // scratch and Y stay addressable
        plan.packWeights(w: ctx.constant(1), r: ctx.constant(2))
        let p = plan
        return Prepared(outputTypes: types, scratchBytes: plan.scratchFloats * MemoryLayout<Float>.size) { io in
            p.run(io)
        }
    }

    /// How sequence_lens is read at run time. Constant lengths are checked here.
    private static func sequenceLengths(_ ctx: PrepareContext, batch: Int, seq: Int) throws(EdgeError) -> RecurrentPlan.SequenceLengths {
        guard ctx.hasInput(4) else { return .full }
        let t = try ctx.input(4, oneOf: [.int32, .int64])
        guard t.shape == [batch] else { throw ctx.fail("sequence_lens must be [\(batch)], got \(t.shape)") }
        if let c = ctx.constant(4) {
            let lens = try c.intValues()
            guard lens.allSatisfy({ $0 >= 0 && $0 <= seq }) else {
                throw ctx.fail("sequence_lens \(lens) must lie in [0, \(seq)]")
            }
            if lens.allSatisfy({ $0 == seq }) { return .full }
        }
        return t.dtype == .int32 ? .int32 : .int64
    }

    /// Only the default activations are implemented; anything else is a clear error.
    private static func checkActivations(_ ctx: PrepareContext, lstm: Bool, dirs: Int) throws(EdgeError) {
        let names: [String]
        switch ctx.attributes["activations"] {
        case nil: return
        case .strings(let v)?: names = v
        case .string(let v)?: names = [v]
        default: throw ctx.fail("attribute 'activations' must be a list of strings")
        }
        guard !names.isEmpty else { return }
        let defaults = lstm ? ["sigmoid", "tanh", "tanh"] : ["sigmoid", "tanh"]
        let expected = Array([[String]](repeating: defaults, count: dirs).joined())
        guard names.map({ $0.lowercased() }) == expected else {
            throw EdgeError(.unsupported, "\(ctx.node.label): activations \(names) are not supported (only the defaults \(expected))")
        }
    }
}
