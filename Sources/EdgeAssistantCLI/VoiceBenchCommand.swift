import ArgumentParser
import EdgeAudio
import EdgeRuntime
import EdgeVoice
import EdgeVoiceEval
import Foundation

/// `edge-assistant voice bench`: CPU cost of listening (Benchmarks/voice/run.sh drives it).
///
/// Unpaced: the file goes through a `StreamingRecognizer` in 10 ms periods as fast as possible;
/// process CPU time (getrusage) over audio time is the share of one core that real-time
/// listening needs, without thread wake-ups. Paced (`--paced`): the whole daemon path (capture
/// thread reading a real-time-paced file source → ring → recognition thread) runs for the
/// file's duration, and CPU time over wall time includes the wake-ups.
struct VoiceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the CPU share and per-period latency of listening to an audio file.")
    @OptionGroup var options: SpeechModelOptions
    @Argument(help: "Audio file (WAV any rate, or raw s16le 16 kHz mono).") var audio: String
    @Flag(help: "Run the capture + recognition threads in real time instead.") var paced = false
    @Option(help: "Label printed in the result line.") var name: String?

    func run() throws {
        let model = try options.load()
        let clip = try SpeechUpload.decode(try VoiceFiles.read(audio))
        let s16 = UnpacedRun.s16(clip.samples)
        let label = name ?? URL(fileURLWithPath: audio).lastPathComponent
        if paced { try runPaced(model, s16, label: label) } else { try runUnpaced(model, s16, label: label) }
    }

    private func runUnpaced(_ model: SpeechModel, _ s16: [Int16], label: String) throws {
        let r = StreamingRecognizer(provider: FixedSpeechModel(model), options: try options.recognizerOptions)
        let run = UnpacedRun.run(s16, recognizer: r)
        let p = { (v: [Double], q: Double) in Percentile.nearestRank(v, q) ?? 0 }
        print(String(format: "%@ unpaced: audio %.1f s, cpu %.3f s (wall %.3f s) = %.3f%% of one core; model runs %d (%.1f/s), events %d; per 10 ms period p50 %.3f ms p99 %.3f ms; periods with a model run p50 %.3f ms p99 %.3f ms max %.3f ms",
                     label, run.audioSeconds, run.cpuSeconds, run.wallSeconds, 100 * run.coreShare, run.modelRuns,
                     Double(run.modelRuns) / run.audioSeconds, run.events.count, p(run.periodMs, 0.5), p(run.periodMs, 0.99),
                     p(run.modelRunPeriodMs, 0.5), p(run.modelRunPeriodMs, 0.99), run.modelRunPeriodMs.max() ?? 0))
    }

    private func runPaced(_ model: SpeechModel, _ s16: [Int16], label: String) throws {
        let raw = NSTemporaryDirectory() + "voice-bench-\(getpid()).raw"
        try s16.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: raw)) }
        defer { try? FileManager.default.removeItem(atPath: raw) }
        let hub = VoiceEventHub()
        var config = AudioCapture.Configuration(device: raw)
        config.backoff = Backoff(initialMs: 60_000, capMs: 60_000)   // end of file: do not reopen
        let capture = AudioCapture(configuration: config) { FilePCMSource(path: raw, paced: true) }
        let listener = VoiceListener(capture: capture, provider: FixedSpeechModel(model), hub: hub, options: try options.recognizerOptions)
        let seconds = Double(s16.count) / 16_000
        let cpu0 = ProcessStats.cpuSeconds(), wall0 = ProcessStats.monotonicSeconds()
        listener.start()
        while listener.status.capture.state != .retrying && ProcessStats.monotonicSeconds() - wall0 < seconds + 5 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        listener.stop()
        let cpu = ProcessStats.cpuSeconds() - cpu0, wall = ProcessStats.monotonicSeconds() - wall0
        let s = listener.status
        print(String(format: "%@ paced: wall %.1f s (audio %.1f s), cpu %.3f s = %.3f%% of one core; model runs %d, events %d, xruns %d, overruns %d",
                     label, wall, seconds, cpu, 100 * cpu / wall, s.modelRuns, s.events, s.capture.xruns, s.capture.overruns))
    }
}
