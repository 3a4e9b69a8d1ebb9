import EdgeVoice
import Foundation

/// Every model run of a recognizer over a stream (posteriors, time, VAD segment), so
/// `CommandDetector` can be replayed with other options without running the model again.
/// Replay gives the same events as the live recognizer for the same options, because the
/// recognizer feeds the detector exactly these values and resets its history when a segment
/// ends (the next run carries a new segment number).
public final class PosteriorTrace {
    public private(set) var labels: [String] = []
    public private(set) var endMs: [Int] = []
    public private(set) var segment: [Int] = []
    public private(set) var segmentStartMs: [Int] = []
    /// Row-major `[runs, labels]`.
    public private(set) var posteriors: [Float] = []

    public init() {}

    public var count: Int { endMs.count }

    /// Starts recording `recognizer`'s model runs (replaces its observer).
    public func record(_ recognizer: StreamingRecognizer) {
        recognizer.modelRunObserver = { [unowned self] run in self.append(run) }
    }

    func append(_ run: StreamingRecognizer.ModelRun) {
        append(run.posteriors, endMs: run.endMs, segment: run.segment, segmentStartMs: run.segmentStartMs, labels: run.labels)
    }

    func append(_ p: UnsafeBufferPointer<Float>, endMs t: Int, segment s: Int, segmentStartMs start: Int, labels l: [String]) {
        if labels != l {
            // A different model (governor switch) mid-trace is not supported by replay.
            precondition(labels.isEmpty, "the model's labels changed while recording")
            labels = l
        }
        endMs.append(t)
        segment.append(s)
        segmentStartMs.append(start)
        posteriors.append(contentsOf: p)
    }

    /// The events `options` would have produced.
    public func replay(_ options: CommandDetector.Options, variant: String = "replay") -> [VoiceCommand] {
        guard !labels.isEmpty else { return [] }
        var d = CommandDetector(labels: labels, options: options)
        var events: [VoiceCommand] = []
        var current = Int.min
        let n = labels.count
        posteriors.withUnsafeBufferPointer { p in
            for i in 0..<count {
                if segment[i] != current {
                    d.resetHistory()
                    current = segment[i]
                }
                let row = UnsafeBufferPointer(rebasing: p[(i * n)..<((i + 1) * n)])
                if let hit = d.observe(row, nowMs: endMs[i], segment: segment[i]) {
                    events.append(VoiceCommand(label: labels[hit.label], confidence: hit.confidence,
                                               startMs: segmentStartMs[i], endMs: endMs[i], variant: variant))
                }
            }
        }
        return events
    }
}
