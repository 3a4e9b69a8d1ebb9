/// The few PCM calls the capture loop makes, as a protocol so tests can inject faults
/// (absent device, xrun, suspend, end of stream, permission denied) without hardware.
///
/// Errors are negative errno values, exactly as libasound returns them (`-EPIPE` for an
/// overrun, `-ESTRPIPE` for a suspend, `-ENODEV` for an unplugged device, `-ENOENT` for an
/// unknown PCM name, `-EACCES` for a permission problem). One source is used by one thread.
public protocol PCMSource: AnyObject {
    /// Opens the PCM for capture: signed 16-bit, `sampleRate` Hz, `channels` channels, with
    /// about `periodFrames` frames per period. Returns 0 or a negative errno.
    func open(device: String, sampleRate: Int, channels: Int, periodFrames: Int) -> Int32
    /// Blocking read of up to `buffer.count / channels` frames (interleaved s16).
    /// Returns frames read (> 0), 0 at end of stream, or a negative errno.
    func read(into buffer: UnsafeMutableBufferPointer<Int16>) -> Int
    /// Tries to recover from `error` (`snd_pcm_recover`: re-prepares after an xrun, resumes
    /// after a suspend). Returns 0 when capture can continue, else a negative errno.
    func recover(from error: Int32) -> Int32
    /// Closes the PCM (idempotent).
    func close()
    /// A readable message for a negative errno (`snd_strerror`).
    func describe(error: Int32) -> String
}
