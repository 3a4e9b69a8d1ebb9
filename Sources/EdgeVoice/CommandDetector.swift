/// Turns per-hop posteriors into command decisions: a moving average over the last few hops,
/// a per-command threshold, a refractory period and (by default) at most one command per
/// speech segment, so one spoken word yields exactly one event.
///
/// Pure state over preallocated buffers: `observe` allocates nothing and needs no clock but the
/// audio time it is given, so tests drive it with synthetic posteriors.
public struct CommandDetector: Sendable {
    /// Decision tunables.
    ///
    /// The defaults were tuned with `edge-assistant voice tune` for the speech-commands
    /// `student` (the variant the daemon serves by default) on a 1-hour tuning stream (seed 101,
    /// held-out voices; docs/VOICE.md "Measured"): zero false events there mattered more than
    /// detection, so thresholds are high. Other models should be re-tuned (`--detector`).
    public struct Options: Sendable {
        /// Hops averaged (a decision needs this many model runs in the current segment).
        public var smoothingHops = 5
        /// Threshold for labels without their own entry in `thresholds`.
        public var defaultThreshold: Float = 0.87
        /// Per-command thresholds by label.
        public var thresholds: [String: Float] = Self.tunedThresholds
        /// The student's tuned per-command thresholds.
        public static let tunedThresholds: [String: Float] = [
            "down": 0.77, "go": 0.83, "left": 0.73, "no": 0.86, "off": 0.72,
            "on": 0.85, "right": 0.73, "stop": 0.91, "up": 0.80, "yes": 0.93,
        ]
        /// After an event, no other event for this long (ms of audio).
        public var refractoryMs = 1_000
        /// Labels that are never reported (the contract's silence and filler classes).
        public var ignoredLabels: Set<String> = ["_silence_", "_unknown_"]
        /// At most one event per speech segment (the VAD must fall silent before the next).
        public var oncePerSegment = true
        public init() {}
    }

    public let labels: [String]
    public let options: Options
    private let threshold: [Float]
    private let reportable: [Bool]
    private var history: [Float]     // smoothingHops × labels, a ring
    private var sum: [Float]
    private var next = 0
    private var filled = 0
    private var lastEventMs = Int.min / 2
    private var lastSegment = -1

    public init(labels: [String], options: Options = Options()) {
        self.labels = labels
        self.options = options
        threshold = labels.map { options.thresholds[$0] ?? options.defaultThreshold }
        reportable = labels.map { !options.ignoredLabels.contains($0) }
        let k = max(1, options.smoothingHops)
        history = [Float](repeating: 0, count: k * labels.count)
        sum = [Float](repeating: 0, count: labels.count)
    }

    /// Forgets the averaging history (the speech segment ended); refractory state is kept.
    public mutating func resetHistory() {
        for i in 0..<sum.count { sum[i] = 0 }
        for i in 0..<history.count { history[i] = 0 }
        filled = 0
        next = 0
    }

    /// Forgets everything (a new stream).
    public mutating func reset() {
        resetHistory()
        lastEventMs = Int.min / 2
        lastSegment = -1
    }

    /// Adds one hop's posteriors (softmax output, `labels.count` values) observed at audio time
    /// `nowMs` inside speech segment `segment`. Returns the label index and smoothed confidence
    /// when a command is decided.
    public mutating func observe(_ posteriors: UnsafeBufferPointer<Float>, nowMs: Int, segment: Int) -> (label: Int, confidence: Float)? {
        let n = labels.count
        precondition(posteriors.count == n)
        let k = max(1, options.smoothingHops)
        var best = -1
        var bestValue: Float = -1
        history.withUnsafeMutableBufferPointer { h in
            sum.withUnsafeMutableBufferPointer { s in
                let row = next * n
                for i in 0..<n {
                    // Replace the oldest row in the running sum (it is zero while filling).
                    s[i] += posteriors[i] - h[row + i]
                    h[row + i] = posteriors[i]
                }
                filled = min(filled + 1, k)
                next = (next + 1) % k
                let scale = 1 / Float(filled)
                for i in 0..<n where reportable[i] && s[i] * scale > bestValue {
                    bestValue = s[i] * scale
                    best = i
                }
            }
        }
        guard best >= 0, filled == k, bestValue >= threshold[best] else { return nil }
        guard nowMs - lastEventMs >= options.refractoryMs else { return nil }
        guard !options.oncePerSegment || segment != lastSegment else { return nil }
        lastEventMs = nowMs
        lastSegment = segment
        return (best, min(1, max(0, bestValue)))
    }
}
