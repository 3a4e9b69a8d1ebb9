import EdgeAudio
import EdgeRuntime
import EdgeVoice
import Foundation

/// A `StreamingRecognizer` run over a whole recording as fast as possible, in 10 ms periods as
/// the capture thread delivers them: the code path of `voice bench` and `voice score`.
public struct UnpacedRun: Sendable {
    public var events: [VoiceCommand] = []
    /// Wall time of each `push` (one 10 ms period), and of those periods that ran the model, in ms.
    public var periodMs: [Double] = []
    public var modelRunPeriodMs: [Double] = []
    public var cpuSeconds = 0.0
    public var wallSeconds = 0.0
    public var audioSeconds = 0.0
    public var modelRuns = 0

    /// CPU time over audio time: the share of one core real-time listening needs.
    public var coreShare: Double { audioSeconds > 0 ? cpuSeconds / audioSeconds : 0 }

    /// Runs `recognizer` (from its current state) over `s16`; `timePeriods` records the
    /// per-period times (off for long streams where only events matter).
    public static func run(_ s16: [Int16], recognizer r: StreamingRecognizer, timePeriods: Bool = true) -> UnpacedRun {
        var out = UnpacedRun()
        let period = LogMelFrontend.Contract.hopLength
        if timePeriods { out.periodMs.reserveCapacity(s16.count / period + 1) }
        var events: [VoiceCommand] = []
        let runs0 = r.modelRuns
        let cpu0 = ProcessStats.cpuSeconds(), wall0 = ProcessStats.monotonicSeconds()
        s16.withUnsafeBufferPointer { all in
            var i = 0
            while i < all.count {
                let n = min(period, all.count - i)
                let runs = r.modelRuns
                let t0 = timePeriods ? ProcessStats.monotonicSeconds() : 0
                r.push(s16: UnsafeBufferPointer(rebasing: all[i..<(i + n)])) { events.append($0) }
                if timePeriods {
                    let ms = (ProcessStats.monotonicSeconds() - t0) * 1000
                    out.periodMs.append(ms)
                    if r.modelRuns > runs { out.modelRunPeriodMs.append(ms) }
                }
                i += n
            }
        }
        out.cpuSeconds = ProcessStats.cpuSeconds() - cpu0
        out.wallSeconds = ProcessStats.monotonicSeconds() - wall0
        out.audioSeconds = Double(s16.count) / Double(LogMelFrontend.Contract.sampleRate)
        out.modelRuns = r.modelRuns - runs0
        out.events = events
        return out
    }

    /// Float samples in [-1, 1] as the s16 an ALSA capture delivers.
    public static func s16(_ x: [Float]) -> [Int16] {
        x.map { Int16(max(-32768, min(32767, ($0 * 32768).rounded()))) }
    }
}
