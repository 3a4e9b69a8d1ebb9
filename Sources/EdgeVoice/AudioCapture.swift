import Foundation
import EdgeAudio

/// Microphone capture: a dedicated thread reads 16 kHz mono s16 periods from a `PCMSource`
/// (ALSA in the daemon) into a bounded `SampleRing`.
///
/// Faults never end the daemon and never spin: an xrun or suspend is recovered in place
/// (`snd_pcm_recover`); an absent, unplugged or forbidden device, end of stream, or repeated
/// failed recoveries close the PCM and reopen it after an exponential back-off (capped), with
/// the state and last error in `status`. `start`/`stop` are idempotent (mic on/off); `stop`
/// returns after the thread has exited.
public final class AudioCapture: @unchecked Sendable {
    /// Capture settings.
    public struct Configuration: Sendable {
        /// ALSA PCM name; `default` goes through `plug`, which converts rate and channels.
        public var device = "default"
        /// Frames per period: one frontend hop (10 ms), so a read returns every hop.
        public var periodFrames = LogMelFrontend.Contract.hopLength
        /// Ring capacity in seconds of audio.
        public var ringSeconds = 2.0
        /// What to do when the recognizer falls behind (see `SampleRing`).
        public var overflow = SampleRing.OverflowPolicy.dropOldest
        /// Delays between reopen attempts.
        public var backoff = Backoff()
        /// Recoverable errors in a row with no samples between them before the PCM is reopened
        /// (an xrun storm must not become a busy loop).
        public var maxRecoveriesWithoutData = 3

        public init(device: String = "default") { self.device = device }
    }

    public static let sampleRate = LogMelFrontend.Contract.sampleRate
    public let configuration: Configuration
    /// Where captured samples go; the recognizer reads them.
    public let ring: SampleRing
    private let makeSource: @Sendable () -> any PCMSource
    private let control = NSLock()          // serialises start/stop
    private let cond = NSCondition()        // guards the fields below; wakes back-off sleeps
    private var statusValue: CaptureStatus
    private var stopRequested = false
    private var thread: JoinableThread?

    /// - Parameter source: makes the PCM source on the capture thread (ALSA in the daemon).
    public init(configuration: Configuration = Configuration(), source: @escaping @Sendable () -> any PCMSource) {
        self.configuration = configuration
        self.makeSource = source
        ring = SampleRing(capacity: max(configuration.periodFrames, Int(configuration.ringSeconds * Double(Self.sampleRate))),
                          policy: configuration.overflow)
        statusValue = CaptureStatus(device: configuration.device)
    }

    deinit { stop() }

    /// A snapshot for `/v1/status`.
    public var status: CaptureStatus {
        cond.lock()
        var s = statusValue
        cond.unlock()
        let o = ring.overflowStats
        s.overruns = o.overruns
        s.droppedSamples = o.droppedSamples
        return s
    }

    /// Whether the capture thread is running (mic on).
    public var isRunning: Bool { control.lock(); defer { control.unlock() }; return thread != nil }

    /// Turns the microphone on. No effect when already on.
    public func start() {
        control.lock()
        defer { control.unlock() }
        guard thread == nil else { return }
        ring.reopen()
        cond.lock()
        stopRequested = false
        statusValue.state = .opening
        statusValue.retryInMs = nil
        cond.unlock()
        let t = JoinableThread(name: "edge-capture") { [self] in run() }
        if t.started {
            thread = t
        } else {
            update { $0.state = .stopped; $0.lastError = "cannot start the capture thread" }
        }
    }

    /// Turns the microphone off and waits for the capture thread to exit. No effect when off.
    public func stop() {
        control.lock()
        defer { control.unlock() }
        guard let t = thread else { return }
        cond.lock()
        stopRequested = true
        cond.broadcast()
        cond.unlock()
        ring.close()   // wakes a writer blocked on a full ring (`.block` policy)
        t.join()
        thread = nil
        update { $0.state = .stopped; $0.retryInMs = nil }
    }

    private func update(_ body: (inout CaptureStatus) -> Void) {
        cond.lock()
        body(&statusValue)
        cond.unlock()
    }

    private var shouldStop: Bool { cond.lock(); defer { cond.unlock() }; return stopRequested }

    /// Sleeps up to `ms`, waking early on `stop`. Returns false when stopping.
    private func sleep(ms: Int) -> Bool {
        cond.lock()
        defer { cond.unlock() }
        let deadline = Date(timeIntervalSinceNow: Double(ms) / 1000)
        while !stopRequested {
            if !cond.wait(until: deadline) { break }
        }
        return !stopRequested
    }

    /// The capture thread.
    private func run() {
        let source = makeSource()
        var backoff = configuration.backoff
        let period = max(1, configuration.periodFrames)
        let buffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: period)
        defer { buffer.deallocate(); source.close() }

        /// Records a failure, closes the PCM and waits; false when stopping.
        func fail(_ what: String, _ err: Int32) -> Bool {
            source.close()
            let delay = backoff.nextDelayMs()
            update {
                $0.state = .retrying
                $0.lastError = "\(what): \(source.describe(error: err)) (\(err))"
                $0.failures += 1
                $0.retryInMs = delay
            }
            return sleep(ms: delay)
        }

        outer: while !shouldStop {
            update { $0.state = .opening }
            let rc = source.open(device: configuration.device, sampleRate: Self.sampleRate, channels: 1, periodFrames: period)
            if rc < 0 {
                if fail("open \(configuration.device)", rc) { continue } else { break }
            }
            update { $0.state = .running; $0.retryInMs = nil }
            var recoveriesWithoutData = 0
            while !shouldStop {
                let n = source.read(into: buffer)
                if n > 0 {
                    backoff.reset()
                    recoveriesWithoutData = 0
                    guard ring.write(UnsafeBufferPointer(rebasing: buffer[0..<min(n, period)])) else { break outer }
                    update { $0.samplesCaptured += n }
                    continue
                }
                if n == 0 {
                    if fail("read", -Int32(ENODATA)) { continue outer } else { break outer }
                }
                let err = Int32(truncatingIfNeeded: n)
                if err == -EPIPE || err == -ESTRPIPE || err == -EINTR {
                    update {
                        if err == -EPIPE { $0.xruns += 1 }
                        if err == -ESTRPIPE { $0.suspends += 1 }
                        $0.lastError = "read: \(source.describe(error: err)) (\(err)); recovered"
                    }
                    recoveriesWithoutData += 1
                    let r = source.recover(from: err)
                    if r == 0 && recoveriesWithoutData <= configuration.maxRecoveriesWithoutData { continue }
                    if fail("recover", r == 0 ? err : r) { continue outer } else { break outer }
                }
                if fail("read", err) { continue outer } else { break outer }
            }
        }
    }
}
