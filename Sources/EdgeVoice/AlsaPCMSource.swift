import CAlsa

/// Capture through libasound: the `PCMSource` the daemon uses.
///
/// Opens `device` in blocking capture mode and asks for interleaved S16_LE at the requested
/// rate and channel count with resampling allowed (so `default`/`plug:` convert whatever the
/// hardware does), one period per frontend hop and `periodsPerBuffer` periods of buffer (room
/// to absorb scheduling hiccups before an overrun).
public final class AlsaPCMSource: PCMSource {
    private var pcm: OpaquePointer?
    private var channels = 1
    /// Periods in the ALSA buffer.
    public let periodsPerBuffer: Int
    /// What the device actually granted after the last successful open.
    public private(set) var grantedRate: UInt32 = 0
    public private(set) var grantedPeriodFrames = 0

    /// - Parameter quiet: silence libasound's own stderr messages (process-wide); the capture
    ///   status reports each error instead.
    public init(periodsPerBuffer: Int = 8, quiet: Bool = true) {
        self.periodsPerBuffer = max(2, periodsPerBuffer)
        if quiet { edge_alsa_silence_errors() }
    }

    deinit { close() }

    public func open(device: String, sampleRate: Int, channels: Int, periodFrames: Int) -> Int32 {
        close()
        var handle: OpaquePointer?
        var rc = snd_pcm_open(&handle, device, SND_PCM_STREAM_CAPTURE, 0)
        guard rc >= 0, let h = handle else { return rc < 0 ? rc : -EINVAL }
        rc = configure(h, rate: sampleRate, channels: channels, periodFrames: periodFrames)
        if rc >= 0 { rc = snd_pcm_prepare(h) }
        if rc >= 0 { rc = snd_pcm_start(h) }
        guard rc >= 0 else {
            snd_pcm_close(h)
            return rc
        }
        pcm = h
        self.channels = channels
        return 0
    }

    /// Sets the hardware parameters; returns the first failing call's error.
    private func configure(_ h: OpaquePointer, rate: Int, channels: Int, periodFrames: Int) -> Int32 {
        var hw: OpaquePointer?
        guard snd_pcm_hw_params_malloc(&hw) >= 0, let p = hw else { return -ENOMEM }
        defer { snd_pcm_hw_params_free(p) }
        var r = UInt32(rate)
        var dir: Int32 = 0
        var period = snd_pcm_uframes_t(periodFrames)
        var buffer = snd_pcm_uframes_t(periodFrames * periodsPerBuffer)
        let steps: [() -> Int32] = [
            { snd_pcm_hw_params_any(h, p) },
            { snd_pcm_hw_params_set_rate_resample(h, p, 1) },
            { snd_pcm_hw_params_set_access(h, p, SND_PCM_ACCESS_RW_INTERLEAVED) },
            { snd_pcm_hw_params_set_format(h, p, SND_PCM_FORMAT_S16_LE) },
            { snd_pcm_hw_params_set_channels(h, p, UInt32(channels)) },
            { snd_pcm_hw_params_set_rate_near(h, p, &r, &dir) },
            { snd_pcm_hw_params_set_period_size_near(h, p, &period, &dir) },
            { snd_pcm_hw_params_set_buffer_size_near(h, p, &buffer) },
            { snd_pcm_hw_params(h, p) },
        ]
        for step in steps {
            let rc = step()
            if rc < 0 { return rc }
        }
        // A rate we cannot use would silently detune the features: refuse it.
        guard r == UInt32(rate) else { return -EINVAL }
        grantedRate = r
        grantedPeriodFrames = Int(period)
        return 0
    }

    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let h = pcm else { return -Int(EBADFD) }
        let frames = buffer.count / max(channels, 1)
        return Int(snd_pcm_readi(h, buffer.baseAddress, snd_pcm_uframes_t(frames)))
    }

    public func recover(from error: Int32) -> Int32 {
        guard let h = pcm else { return -EBADFD }
        // silent = 1: we count and report xruns ourselves instead of printing to stderr.
        var rc = snd_pcm_recover(h, error, 1)
        if rc >= 0 && snd_pcm_state(h) != SND_PCM_STATE_RUNNING {
            rc = snd_pcm_start(h)
        }
        if rc < 0 {
            // Last resort before a reopen: drop whatever is queued and prepare again.
            _ = snd_pcm_drop(h)
            rc = snd_pcm_prepare(h)
            if rc >= 0 { rc = snd_pcm_start(h) }
        }
        return rc < 0 ? rc : 0
    }

    public func close() {
        if let h = pcm {
            snd_pcm_close(h)
            pcm = nil
        }
    }

    public func describe(error: Int32) -> String {
        String(cString: snd_strerror(error))
    }
}
