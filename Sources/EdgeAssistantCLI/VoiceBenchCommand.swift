import ArgumentParser
import EdgeAudio
import EdgeRuntime
import EdgeVoice
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
        let s16 = clip.samples.map { Int16(max(-32768, min(32767, ($0 * 32768).rounded()))) }
        let label = name ?? URL(fileURLWithPath: audio).lastPathComponent
        if paced { try runPaced(model, s16, label: label) } else { runUnpaced(model, s16, label: label) }
    }

    private func runUnpaced(_ model: SpeechModel, _ s16: [Int16], label: String) {
        let r = StreamingRecognizer(provider: FixedSpeechModel(model), options: options.recognizerOptions)
        let period = LogMelFrontend.Contract.hopLength
        var periodMs: [Double] = []
        var runMs: [Double] = []
        periodMs.reserveCapacity(s16.count / period + 1)
        var events = 0
        let cpu0 = ProcessStats.cpuSeconds(), wall0 = ProcessStats.monotonicSeconds()
        s16.withUnsafeBufferPointer { all in
            var i = 0
            while i < all.count {
                let n = min(period, all.count - i)
                let runs = r.modelRuns
                let t0 = ProcessStats.monotonicSeconds()
                r.push(s16: UnsafeBufferPointer(rebasing: all[i..<(i + n)])) { _ in events += 1 }
                let ms = (ProcessStats.monotonicSeconds() - t0) * 1000
                periodMs.append(ms)
                if r.modelRuns > runs { runMs.append(ms) }
                i += n
            }
        }
        let cpu = ProcessStats.cpuSeconds() - cpu0, wall = ProcessStats.monotonicSeconds() - wall0
        let seconds = Double(s16.count) / 16_000
        print(String(format: "%@ unpaced: audio %.1f s, cpu %.3f s (wall %.3f s) = %.3f%% of one core; model runs %d (%.1f/s), events %d; per 10 ms period p50 %.3f ms p99 %.3f ms; periods with a model run p50 %.3f ms p99 %.3f ms max %.3f ms",
                     label, seconds, cpu, wall, 100 * cpu / seconds, r.modelRuns, Double(r.modelRuns) / seconds, events,
                     percentile(periodMs, 0.5), percentile(periodMs, 0.99), percentile(runMs, 0.5), percentile(runMs, 0.99), runMs.max() ?? 0))
    }

    private func runPaced(_ model: SpeechModel, _ s16: [Int16], label: String) throws {
        let raw = NSTemporaryDirectory() + "voice-bench-\(getpid()).raw"
        try s16.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: raw)) }
        defer { try? FileManager.default.removeItem(atPath: raw) }
        let hub = VoiceEventHub()
        var config = AudioCapture.Configuration(device: raw)
        config.backoff = Backoff(initialMs: 60_000, capMs: 60_000)   // end of file: do not reopen
        let capture = AudioCapture(configuration: config) { FilePCMSource(path: raw, paced: true) }
        let listener = VoiceListener(capture: capture, provider: FixedSpeechModel(model), hub: hub, options: options.recognizerOptions)
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

    private func percentile(_ v: [Double], _ p: Double) -> Double {
        guard !v.isEmpty else { return 0 }
        let s = v.sorted()
        return s[min(s.count - 1, Int(Double(s.count - 1) * p))]
    }
}
