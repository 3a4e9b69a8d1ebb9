import EdgeRuntime
import Foundation

/// A per-second record of a battery discharge and the requests a box served, replayed through
/// the policy by `ReplaySimulator`. `generate` builds one deterministically from a seed.
public struct ReplayTrace: Sendable, Equatable {
    /// One second of the trace.
    public struct Second: Sendable, Equatable {
        public var batteryPercent: Double
        public var discharging: Bool
        public var thermalHeadroom: Double
        /// Requests in this second, per model, in `models` order.
        public var requests: [Int]
    }

    public var models: [String]
    public var seconds: [Second]

    public var totalRequests: Int { seconds.reduce(0) { $0 + $1.requests.reduce(0, +) } }
}

extension ReplayTrace {
    /// A synthetic day of use: the battery discharges linearly from 100% to `endBattery` % over
    /// `hours`; thermal headroom idles around 0.5 with occasional hot spells that cross the
    /// throttling threshold; each model's traffic follows its task:
    ///
    /// - speech: listening sessions (~3/h, 2–10 min) at 10 windows/s, sparse commands otherwise;
    /// - detection: AR sessions (~2/h, 2–15 min) at 15 or 30 frames/s, idle otherwise;
    /// - recommendation (and unknown tasks): ~0.5 rankings/s, with lobby bursts (~4/h, 1–3 min) at 20/s.
    ///
    /// The same seed always gives the same trace.
    public static func generate(ladders: [ModelLadder], hours: Double = 8, seed: UInt64 = 1, endBattery: Double = 8) -> ReplayTrace {
        var rng = SplitMix64(seed: seed)
        let length = max(1, Int((hours * 3600).rounded()))
        var seconds = (0..<length).map { t in
            Second(batteryPercent: 100 - (100 - endBattery) * Double(t) / Double(length), discharging: true,
                   thermalHeadroom: 0.5, requests: Array(repeating: 0, count: ladders.count))
        }
        for spell in sessions(perHour: 0.3, minutes: 10...30, length: length, rng: &rng) {
            // A triangular hot spell peaking at headroom ~1.05 (past the threshold) mid-way.
            for t in spell where t < length {
                let phase = Double(t - spell.lowerBound) / Double(max(1, spell.count - 1))
                seconds[t].thermalHeadroom += 0.55 * (1 - abs(2 * phase - 1))
            }
        }
        for (m, ladder) in ladders.enumerated() {
            var busy = Array(repeating: 0.0, count: length)
            let (background, sessionsPerHour, minutes, sessionRate): (Double, Double, ClosedRange<Double>, () -> Double)
            switch ladder.task {
            case .speech?: (background, sessionsPerHour, minutes, sessionRate) = (0.02, 3, 2...10, { 10 })
            case .detection?:
                var sub = SplitMix64(seed: seed &+ UInt64(m) &* 0x9E37)
                (background, sessionsPerHour, minutes, sessionRate) = (0, 2, 2...15, { sub.uniform() < 0.5 ? 15 : 30 })
            default: (background, sessionsPerHour, minutes, sessionRate) = (0.5, 4, 1...3, { 20 })
            }
            for session in sessions(perHour: sessionsPerHour, minutes: minutes, length: length, rng: &rng) {
                let rate = sessionRate()
                for t in session where t < length { busy[t] = rate }
            }
            for t in 0..<length {
                // Sessions stream at a fixed rate (frames, VAD windows); the rest arrives at random.
                seconds[t].requests[m] = busy[t] > 0 ? Int(busy[t]) : rng.poisson(background)
            }
        }
        return ReplayTrace(models: ladders.map(\.model), seconds: seconds)
    }

    /// Sessions as ranges of seconds: exponential gaps at `perHour`, uniform durations.
    private static func sessions(perHour: Double, minutes: ClosedRange<Double>, length: Int, rng: inout SplitMix64) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var t = rng.exponential(mean: 3600 / perHour)
        while t < Double(length) {
            let duration = 60 * (minutes.lowerBound + (minutes.upperBound - minutes.lowerBound) * rng.uniform())
            result.append(Int(t)..<Int(t + duration))
            t += duration + rng.exponential(mean: 3600 / perHour)
        }
        return result
    }
}

/// The trace draws on EdgeRuntime's `SplitMix64` (the same numbers on every platform, which is
/// what a reproducible trace needs); these are the distributions it samples.
extension SplitMix64 {
    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func exponential(mean: Double) -> Double { -mean * log1p(-uniform()) }

    /// Poisson by Knuth's multiplication method (fine for the small means used here).
    mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        let limit = exp(-mean)
        var k = 0, p = uniform()
        while p > limit && k < 10_000 {
            k += 1
            p *= uniform()
        }
        return k
    }
}
