import EdgeVoice
import Foundation

/// Picks `CommandDetector` options for a model on a tuning stream (never the measurement
/// stream): replays a `PosteriorTrace` under candidate options and scores each with
/// `StreamScorer`.
///
/// Objective: `detected − falseWeight · false events − max(0, p95 latency − latencyBarMs) / 10`.
/// Search: smoothing 1…`maxSmoothing` × one shared threshold on a 0.01 grid, then per-command
/// thresholds by coordinate ascent (two passes over the labels). Ties go to the higher
/// threshold, which leaves a margin against false events the tuning stream did not contain.
public enum DetectorTuner {
    public struct Settings: Sendable {
        public var falseWeight = 10.0
        public var latencyBarMs = 150
        public var maxSmoothing = 5
        public var grid: [Float] = stride(from: 0.40, through: 0.995, by: 0.01).map { Float($0) }
        public var toleranceMs = StreamScorer.defaultToleranceMs
        public init() {}
    }

    public struct Result: Sendable {
        public var options: CommandDetector.Options
        public var score: StreamScore
        public var objective: Double
        /// Option sets scored.
        public var evaluated: Int
    }

    public static func tune(_ trace: PosteriorTrace, truth: StreamTruth, base: CommandDetector.Options,
                            settings s: Settings = Settings()) -> Result {
        var evaluated = 0
        func evaluate(_ o: CommandDetector.Options) -> (Double, StreamScore) {
            evaluated += 1
            let score = StreamScorer.score(events: trace.replay(o), truth: truth, toleranceMs: s.toleranceMs)
            let latencyPenalty = Double(max(0, score.latency(0.95) - s.latencyBarMs)) / 10
            return (Double(score.detected) - s.falseWeight * Double(score.falseEvents.count) - latencyPenalty, score)
        }
        var best = base
        best.thresholds = [:]
        var (bestJ, bestScore) = evaluate(best)
        for k in 1...max(1, s.maxSmoothing) {
            for t in s.grid {
                var o = base
                o.thresholds = [:]
                o.smoothingHops = k
                o.defaultThreshold = t
                let (j, score) = evaluate(o)
                if j > bestJ || (j == bestJ && t > best.defaultThreshold && k == best.smoothingHops) {
                    (best, bestJ, bestScore) = (o, j, score)
                }
            }
        }
        let commands = trace.labels.filter { !base.ignoredLabels.contains($0) }
        for _ in 0..<2 {
            for label in commands {
                let current = best.thresholds[label] ?? best.defaultThreshold
                for t in s.grid where t != current {
                    var o = best
                    o.thresholds[label] = t
                    let (j, score) = evaluate(o)
                    let chosen = best.thresholds[label] ?? best.defaultThreshold
                    if j > bestJ || (j == bestJ && t > chosen) { (best, bestJ, bestScore) = (o, j, score) }
                }
            }
        }
        // Every command gets its entry, so the settings do not depend on the defaults they are
        // later merged over.
        for label in commands where best.thresholds[label] == nil { best.thresholds[label] = best.defaultThreshold }
        return Result(options: best, score: bestScore, objective: bestJ, evaluated: evaluated)
    }
}
