import EdgeVoice
import Foundation

/// How a recognizer did on a stream with known commands.
public struct StreamScore: Sendable, Codable, Equatable {
    /// An event that matched no embedded command.
    public struct FalseEvent: Sendable, Codable, Equatable {
        public enum Reason: String, Sendable, Codable {
            /// No command was being spoken.
            case noCommand = "no_command"
            /// A command was spoken, but a different one.
            case wrongLabel = "wrong_label"
            /// The command was already reported once.
            case duplicate
        }
        public var label: String
        public var atMs: Int
        public var confidence: Float
        public var reason: Reason
        /// The command being spoken, for `wrong_label` and `duplicate`.
        public var expected: String?
    }

    /// Per label: commands embedded, detected, and false events carrying that label.
    public struct LabelCounts: Sendable, Codable, Equatable {
        public var commands = 0
        public var detected = 0
        public var falseEvents = 0
    }

    public var commands: Int
    public var detected: Int
    public var hours: Double
    public var falseEvents: [FalseEvent]
    public var missed: [EmbeddedCommand]
    /// Event time (the audio time at which it was emitted) minus the word's `end_ms`, per
    /// detected command, in ms.
    public var latenciesMs: [Int]
    public var perLabel: [String: LabelCounts]

    public var detectionRate: Double { commands > 0 ? Double(detected) / Double(commands) : 0 }
    public var falsePerHour: Double { hours > 0 ? Double(falseEvents.count) / hours : 0 }
    /// Nearest-rank percentile of the latencies (0 when nothing was detected).
    public func latency(_ p: Double) -> Int { Percentile.nearestRank(latenciesMs, p) ?? 0 }

    /// A one-paragraph human summary.
    public var summary: String {
        String(format: "commands %d, detected %d (%.1f%%), false events %d over %.2f h = %.2f/h; latency after the word's end p50 %d ms, p95 %d ms, max %d ms",
               commands, detected, 100 * detectionRate, falseEvents.count, hours, falsePerHour, latency(0.5), latency(0.95), latenciesMs.max() ?? 0)
    }
}

/// Matches recognizer events against the ground truth of a stream.
///
/// An event at time `t` (its `end_ms`: the audio time at which it was emitted) can match an
/// embedded command whose window `[start_ms, end_ms + toleranceMs]` holds `t`. Events are taken
/// in time order; each is, in this order of preference:
/// 1. a **detection**: the first not yet detected command of the same label whose window holds `t`;
/// 2. a **duplicate** (false): a same-label command in range was already detected;
/// 3. a **wrong label** (false): a command in range, but another one;
/// 4. **no command** (false).
/// A command counts once; a wrong-label event does not use it up (a later correct event
/// still detects it).
public enum StreamScorer {
    public static let defaultToleranceMs = 1_000

    public static func score(events: [VoiceCommand], truth: StreamTruth, toleranceMs: Int = defaultToleranceMs) -> StreamScore {
        let cmds = truth.commands.sorted { $0.startMs < $1.startMs }
        var detected = [Bool](repeating: false, count: cmds.count)
        var perLabel: [String: StreamScore.LabelCounts] = [:]
        for c in cmds { perLabel[c.label, default: .init()].commands += 1 }
        var falseEvents: [StreamScore.FalseEvent] = []
        var latencies: [Int] = []
        var first = 0   // commands before this one end before any later event's window
        for e in events.sorted(by: { $0.endMs < $1.endMs }) {
            let t = e.endMs
            while first < cmds.count && cmds[first].endMs + toleranceMs < t { first += 1 }
            var inRange: [Int] = []
            var i = first
            while i < cmds.count && cmds[i].startMs <= t {
                if t <= cmds[i].endMs + toleranceMs { inRange.append(i) }
                i += 1
            }
            if let m = inRange.first(where: { cmds[$0].label == e.label && !detected[$0] }) {
                detected[m] = true
                latencies.append(t - cmds[m].endMs)
                perLabel[e.label, default: .init()].detected += 1
                continue
            }
            let reason: StreamScore.FalseEvent.Reason
            let expected: String?
            if let d = inRange.first(where: { cmds[$0].label == e.label }) {
                (reason, expected) = (.duplicate, cmds[d].label)
            } else if let w = inRange.first {
                (reason, expected) = (.wrongLabel, cmds[w].label)
            } else {
                (reason, expected) = (.noCommand, nil)
            }
            falseEvents.append(.init(label: e.label, atMs: t, confidence: e.confidence, reason: reason, expected: expected))
            perLabel[e.label, default: .init()].falseEvents += 1
        }
        let missed = zip(cmds, detected).filter { !$0.1 }.map(\.0)
        return StreamScore(commands: cmds.count, detected: latencies.count, hours: Double(truth.durationMs) / 3_600_000,
                           falseEvents: falseEvents, missed: missed, latenciesMs: latencies, perLabel: perLabel)
    }
}

/// Percentiles of measured values.
public enum Percentile {
    /// The nearest-rank `p` percentile (0…1) of `values`; nil when empty.
    public static func nearestRank<T: Comparable>(_ values: [T], _ p: Double) -> T? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        let rank = Int((p * Double(s.count)).rounded(.up))
        return s[min(s.count - 1, max(0, rank - 1))]
    }
}
