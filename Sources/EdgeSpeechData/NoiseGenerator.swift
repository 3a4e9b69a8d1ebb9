import Foundation

/// Background noises for `_silence_` clips and for mixing under words.
public enum NoiseKind: String, Sendable, Codable, CaseIterable {
    /// Flat spectrum.
    case white
    /// −3 dB/octave (Paul Kellet's economy filter on white noise).
    case pink
    /// −6 dB/octave (leaky integrator on white noise).
    case brown
    /// Mains hum: 50 or 60 Hz and a few harmonics, plus a little white noise.
    case hum
    /// Babble-like: several synthetic "talkers" (pulse trains at speech F0 through two
    /// formant resonators, gated at syllable rate) summed. No real speech, so no word leaks in.
    case babble
}

/// Generates unit-RMS noise of each kind, deterministically from a `SeededRandom`.
public enum NoiseGenerator {
    /// `count` samples of `kind` at 16 kHz, scaled to RMS 1.
    public static func make(_ kind: NoiseKind, count: Int, rng: inout SeededRandom) -> [Float] {
        var x: [Float]
        switch kind {
        case .white: x = white(count, &rng)
        case .pink:
            var b0 = 0.0, b1 = 0.0, b2 = 0.0
            x = white(count, &rng).map { w in
                let w = Double(w)
                b0 = 0.99765 * b0 + w * 0.0990460
                b1 = 0.96300 * b1 + w * 0.2965164
                b2 = 0.57000 * b2 + w * 1.0526913
                return Float(b0 + b1 + b2 + w * 0.1848)
            }
        case .brown:
            var acc = 0.0
            x = white(count, &rng).map { w in
                acc = 0.995 * acc + Double(w) * 0.1   // leak keeps it bounded and free of DC drift
                return Float(acc)
            }
        case .hum:
            let f0 = rng.chance(0.5) ? 50.0 : 60.0
            var amps = [Double](), phases = [Double]()
            for h in 1...5 {
                amps.append(rng.uniform(0.1, 1) / Double(h))
                phases.append(rng.uniform(0, 2 * Double.pi))
            }
            let hiss = white(count, &rng)
            x = [Float](repeating: 0, count: count)
            for n in 0..<count {
                let t = Double(n) / 16_000
                var s = 0.0
                for h in 0..<5 { s += amps[h] * sin(2 * Double.pi * f0 * Double(h + 1) * t + phases[h]) }
                x[n] = Float(s) + 0.02 * hiss[n]
            }
        case .babble:
            x = [Float](repeating: 0, count: count)
            for _ in 0..<rng.int(4...7) {
                let talker = syntheticTalker(count, &rng)
                for i in 0..<count { x[i] += talker[i] }
            }
        }
        return normalized(x)
    }

    static func white(_ count: Int, _ rng: inout SeededRandom) -> [Float] {
        (0..<count).map { _ in Float(rng.gaussian()) }
    }

    /// A buzz at a wandering F0 through two resonators, switched on and off at syllable rate.
    static func syntheticTalker(_ count: Int, _ rng: inout SeededRandom) -> [Float] {
        let f0 = rng.uniform(90, 240)
        let formants = [rng.uniform(300, 900), rng.uniform(900, 2500)]
        let syllableHz = rng.uniform(3, 6)
        let offset = rng.uniform(0, 1)
        var phase = 0.0
        var out = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let t = Double(i) / 16_000
            phase += f0 * (1 + 0.05 * sin(2 * Double.pi * 0.7 * t)) / 16_000
            let pulse: Float = phase.truncatingRemainder(dividingBy: 1) < f0 / 16_000 ? 1 : 0
            let gate = max(0, sin(2 * Double.pi * (syllableHz * t + offset)))
            out[i] = pulse * Float(gate)
        }
        var y = [Float](repeating: 0, count: count)
        for f in formants {
            let r = resonate(out, centre: f, bandwidth: 120)
            for i in 0..<count { y[i] += r[i] }
        }
        return y
    }

    /// Two-pole resonator (a formant) at `centre` Hz.
    static func resonate(_ x: [Float], centre: Double, bandwidth: Double) -> [Float] {
        let r = exp(-Double.pi * bandwidth / 16_000)
        let a1 = 2 * r * cos(2 * Double.pi * centre / 16_000), a2 = -r * r
        var y1 = 0.0, y2 = 0.0
        return x.map { v in
            let y = Double(v) + a1 * y1 + a2 * y2
            y2 = y1; y1 = y
            return Float(y)
        }
    }

    /// Scaled to RMS 1 (silence stays silence).
    static func normalized(_ x: [Float]) -> [Float] {
        let r = rms(x)
        return r > 0 ? x.map { $0 / r } : x
    }
}

/// Root mean square.
public func rms(_ x: some Collection<Float>) -> Float {
    guard !x.isEmpty else { return 0 }
    return (x.reduce(0) { $0 + $1 * $1 } / Float(x.count)).squareRoot()
}
