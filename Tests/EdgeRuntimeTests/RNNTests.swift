import XCTest
import EdgeRuntime
import EdgeTestSupport

/// GRU / LSTM straight from the ONNX equations, layout 0, in Double. Returns Y [S, D, B, H],
/// Y_h and Y_c [D, B, H] as flat arrays.
struct RecurrentReference {
    var lstm: Bool
    var s: Int, b: Int, i: Int, h: Int, dirs: Int
    var reverseOnly = false
    var linearBeforeReset = false
    var clip: Double? = nil

    func run(x: [Float], w: [Float], r: [Float], bias: [Float]?, lens: [Int]?, h0: [Float]?, c0: [Float]?, p: [Float]?) -> ([Float], [Float], [Float]) {
        let g = lstm ? 4 : 3
        var y = [Float](repeating: 0, count: s * dirs * b * h)
        var yh = [Float](repeating: 0, count: dirs * b * h), yc = yh
        func sig(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        func cl(_ v: Double) -> Double { clip.map { min(max(v, -$0), $0) } ?? v }
        for d in 0..<dirs {
            let reverse = reverseOnly || d == 1
            for bi in 0..<b {
                var hs = (0..<h).map { Double(h0?[(d * b + bi) * h + $0] ?? 0) }
                var cs = (0..<h).map { Double(c0?[(d * b + bi) * h + $0] ?? 0) }
                let len = lens?[bi] ?? s
                // Gate row k of W/R (gate q, unit j): Xt·W[q·h+j]ᵀ + Ht·R[q·h+j]ᵀ (+ biases)
                func xw(_ t: Int, _ row: Int) -> Double {
                    var v = 0.0
                    for k in 0..<i { v += Double(x[(t * b + bi) * i + k]) * Double(w[(d * g * h + row) * i + k]) }
                    return v + Double(bias?[d * 2 * g * h + row] ?? 0)
                }
                func hr(_ state: [Double], _ row: Int) -> Double {
                    var v = 0.0
                    for k in 0..<h { v += state[k] * Double(r[(d * g * h + row) * h + k]) }
                    return v
                }
                func rb(_ row: Int) -> Double { Double(bias?[d * 2 * g * h + g * h + row] ?? 0) }
                for step in 0..<len {
                    let t = reverse ? len - 1 - step : step
                    var nh = hs, nc = cs
                    for j in 0..<h {
                        if lstm {
                            let pi = Double(p?[d * 3 * h + j] ?? 0), po = Double(p?[d * 3 * h + h + j] ?? 0), pf = Double(p?[d * 3 * h + 2 * h + j] ?? 0)
                            let it = sig(cl(xw(t, j) + hr(hs, j) + rb(j) + pi * cs[j]))
                            let ft = sig(cl(xw(t, 2 * h + j) + hr(hs, 2 * h + j) + rb(2 * h + j) + pf * cs[j]))
                            let ct = tanh(cl(xw(t, 3 * h + j) + hr(hs, 3 * h + j) + rb(3 * h + j)))
                            nc[j] = ft * cs[j] + it * ct
                            let ot = sig(cl(xw(t, h + j) + hr(hs, h + j) + rb(h + j) + po * nc[j]))
                            nh[j] = ot * tanh(nc[j])
                        } else {
                            let zt = sig(cl(xw(t, j) + hr(hs, j) + rb(j)))
                            func rt(_ k: Int) -> Double { sig(cl(xw(t, h + k) + hr(hs, h + k) + rb(h + k))) }
                            let ht: Double
                            if linearBeforeReset {
                                ht = tanh(cl(xw(t, 2 * h + j) + rt(j) * (hr(hs, 2 * h + j) + rb(2 * h + j))))
                            } else {
                                let rh = (0..<h).map { rt($0) * hs[$0] }
                                ht = tanh(cl(xw(t, 2 * h + j) + hr(rh, 2 * h + j) + rb(2 * h + j)))
                            }
                            nh[j] = (1 - zt) * ht + zt * hs[j]
                        }
                    }
                    hs = nh; cs = nc
                    for j in 0..<h { y[((t * dirs + d) * b + bi) * h + j] = Float(hs[j]) }
                }
                for j in 0..<h {
                    yh[(d * b + bi) * h + j] = Float(hs[j])
                    yc[(d * b + bi) * h + j] = Float(cs[j])
                }
            }
        }
        return (y, yh, yc)
    }
}

/// Swaps the first two axes of a rank-3/4 row-major array (layout 0 ↔ layout 1 for X, states, Y).
func swapLeadingAxes(_ v: [Float], _ shape: [Int]) -> [Float] {
    let inner = shape[2...].reduce(1, *)
    var out = v
    for a in 0..<shape[0] { for c in 0..<shape[1] { for k in 0..<inner { out[(c * shape[0] + a) * inner + k] = v[(a * shape[1] + c) * inner + k] } } }
    return out
}

final class RNNTests: XCTestCase {
    struct Case {
        var lstm: Bool
        var s = 5, b = 3, i = 4, h = 6
        var direction = "forward"
        var bias = true, initial = true, peepholes = false, lbr = false
        var clip: Float? = nil
        var lens: [Int]? = nil
        var layout = 0
    }

    static let cases: [Case] = [
        Case(lstm: true), Case(lstm: true, direction: "reverse", peepholes: true),
        Case(lstm: true, direction: "bidirectional", bias: false, initial: false),
        Case(lstm: true, direction: "bidirectional", peepholes: true, clip: 0.5, lens: [5, 2, 0]),
        Case(lstm: true, s: 7, b: 2, i: 3, h: 20, direction: "bidirectional", layout: 1),
        Case(lstm: false), Case(lstm: false, lbr: true), Case(lstm: false, direction: "reverse", bias: false),
        Case(lstm: false, direction: "bidirectional", lbr: true, clip: 0.3, lens: [3, 5, 1]),
        Case(lstm: false, direction: "bidirectional", initial: false, lens: [4, 1, 5], layout: 1),
        Case(lstm: false, s: 1, b: 1, i: 1, h: 1),
        Case(lstm: false, s: 6, b: 4, i: 16, h: 32, direction: "bidirectional", lbr: true),
        // batch 1 (GEMV steps) and batch > 4 (the regular SGEMM tile) around the small-M kernel,
        // hidden sizes that are not multiples of the vector width
        Case(lstm: false, s: 9, b: 1, i: 40, h: 64, lbr: true, clip: 2),
        Case(lstm: false, s: 4, b: 6, i: 5, h: 17, bias: false, lbr: true, lens: [4, 0, 3, 1, 4, 2]),
        Case(lstm: true, s: 6, b: 1, i: 9, h: 33, clip: 1.5),
        Case(lstm: true, s: 3, b: 5, i: 7, h: 19, direction: "bidirectional", peepholes: true, lens: [3, 1, 0, 2, 3]),
    ]

    func testCellsAgainstReference() throws {
        var rng = SeededRandom(seed: 61)
        for (n, c) in Self.cases.enumerated() {
            let dirs = c.direction == "bidirectional" ? 2 : 1, g = c.lstm ? 4 : 3
            let x = rng.tensor([c.s, c.b, c.i]), w = rng.tensor([dirs, g * c.h, c.i]), r = rng.tensor([dirs, g * c.h, c.h])
            let bias = c.bias ? rng.tensor([dirs, 2 * g * c.h]) : nil
            let h0 = c.initial ? rng.tensor([dirs, c.b, c.h]) : nil, c0 = c.initial && c.lstm ? rng.tensor([dirs, c.b, c.h]) : nil
            let p = c.peepholes ? rng.tensor([dirs, 3 * c.h]) : nil
            let lens = try c.lens.map { try Tensor($0.map(Int32.init), shape: [c.b]) }
            let ref = RecurrentReference(lstm: c.lstm, s: c.s, b: c.b, i: c.i, h: c.h, dirs: dirs,
                                         reverseOnly: c.direction == "reverse", linearBeforeReset: c.lbr, clip: c.clip.map(Double.init))
            let f = { (t: Tensor?) in t?.scalars(as: Float.self) }
            var (ey, eyh, eyc) = ref.run(x: f(x)!, w: f(w)!, r: f(r)!, bias: f(bias), lens: c.lens, h0: f(h0), c0: f(c0), p: f(p))

            // Feed the op in its layout.
            func laid(_ t: Tensor?) throws -> Tensor? {
                guard let t, c.layout == 1 else { return t }
                return try Tensor(swapLeadingAxes(t.scalars(as: Float.self), t.shape), shape: [t.shape[1], t.shape[0]] + t.shape[2...])
            }
            var yShape = [c.s, dirs, c.b, c.h], stateShape = [dirs, c.b, c.h]
            if c.layout == 1 {
                ey = Self.sdbhToBsdh(ey, c.s, dirs, c.b, c.h)
                eyh = swapLeadingAxes(eyh, stateShape); eyc = swapLeadingAxes(eyc, stateShape)
                yShape = [c.b, c.s, dirs, c.h]; stateShape = [c.b, dirs, c.h]
            }
            var attrs: [String: Attribute] = ["direction": .string(c.direction), "hidden_size": .int(c.h), "layout": .int(c.layout),
                                              "linear_before_reset": .int(c.lbr ? 1 : 0)]
            if let clip = c.clip { attrs["clip"] = .float(clip) }
            var inputs: [Tensor?] = [try laid(x), w, r, bias, lens, try laid(h0)]
            if c.lstm { inputs += [try laid(c0), p] }
            for (constants, threads) in [(Set<Int>(), 1), (Set([1, 2, 3]), 2)] {
                let out = try SingleNode.run(c.lstm ? "LSTM" : "GRU", inputs, attributes: attrs, constants: constants,
                                             outputs: c.lstm ? 3 : 2, threads: threads)
                let expectedY = try Tensor(ey, shape: yShape)
                XCTAssertTrue(allClose(out[0], expectedY), "case \(n) Y: \(maxDifference(out[0], expectedY))")
                XCTAssertTrue(allClose(out[1], try Tensor(eyh, shape: stateShape)), "case \(n) Y_h")
                if c.lstm { XCTAssertTrue(allClose(out[2], try Tensor(eyc, shape: stateShape)), "case \(n) Y_c") }
            }
        }
    }

    static func sdbhToBsdh(_ v: [Float], _ s: Int, _ d: Int, _ b: Int, _ h: Int) -> [Float] {
        var out = v
        for t in 0..<s { for k in 0..<d { for n in 0..<b { for j in 0..<h {
            out[((n * s + t) * d + k) * h + j] = v[((t * d + k) * b + n) * h + j]
        } } } }
        return out
    }

    func testDefaultsWithoutOptionalInputs() throws {
        var rng = SeededRandom(seed: 62)
        let x = rng.tensor([4, 2, 3]), w = rng.tensor([1, 12, 3]), r = rng.tensor([1, 12, 4])
        let ref = RecurrentReference(lstm: false, s: 4, b: 2, i: 3, h: 4, dirs: 1)
        let (_, yh, _) = ref.run(x: x.scalars(), w: w.scalars(), r: r.scalars(), bias: nil, lens: nil, h0: nil, c0: nil, p: nil)
        let out = try SingleNode.run("GRU", [x, w, r], outputs: 2)
        XCTAssertTrue(allClose(out[1], try Tensor(yh, shape: [1, 2, 4])))
    }

    func testErrors() {
        var rng = SeededRandom(seed: 63)
        let x = rng.tensor([3, 2, 4]), w = rng.tensor([1, 16, 4]), r = rng.tensor([1, 16, 4])
        func expectError(_ op: String, _ inputs: [Tensor?], _ attrs: [String: Attribute], code: EdgeError.Code? = nil, _ what: String) {
            XCTAssertThrowsError(try SingleNode.run(op, inputs, attributes: attrs), what) { e in
                guard let e = e as? EdgeError else { return XCTFail("\(what): \(e)") }
                if let code { XCTAssertEqual(e.code, code, what) }
            }
        }
        expectError("LSTM", [x, w, r], ["activations": .strings(["Relu", "Tanh", "Tanh"])], code: .unsupported, "activations")
        expectError("LSTM", [x, w, r], ["input_forget": .int(1)], code: .unsupported, "input_forget")
        expectError("LSTM", [x, w, r], ["direction": .string("sideways")], "direction")
        expectError("LSTM", [x, w, r], ["hidden_size": .int(5)], "hidden_size")
        expectError("LSTM", [x, rng.tensor([1, 16, 3]), r], [:], "W shape")
        expectError("LSTM", [x, w, r], ["direction": .string("bidirectional")], "R directions")
        expectError("LSTM", [x, w, r, rng.tensor([1, 16])], [:], "B shape")
        expectError("GRU", [x, w, r], [:], "GRU with LSTM-sized weights")
        expectError("LSTM", [x, w, r], ["layout": .int(2)], "layout")
        expectError("LSTM", [x, w, r], ["clip": .float(-1)], "clip")
        expectError("LSTM", [rng.tensor([3, 4]), w, r], [:], "X rank")
        XCTAssertThrowsError(try SingleNode.run("LSTM", [x, w, r, nil, try! Tensor([Int32(4), 1], shape: [2])], constants: [4]), "sequence_lens > seq")
    }
}
