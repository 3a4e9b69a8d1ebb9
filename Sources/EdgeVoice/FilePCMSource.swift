import Foundation

/// A `PCMSource` over a raw s16le 16 kHz mono file, optionally paced in real time: replays
/// recorded audio through the capture path for benchmarks and for `serve` without a microphone.
/// At end of file it reports end of stream (0), which the capture treats like an unplug.
public final class FilePCMSource: PCMSource {
    public let path: String
    public let paced: Bool
    private var handle: FileHandle?
    private var started = Date()
    private var delivered = 0

    public init(path: String, paced: Bool = true) {
        self.path = path
        self.paced = paced
    }

    public func open(device: String, sampleRate: Int, channels: Int, periodFrames: Int) -> Int32 {
        guard sampleRate == 16_000, channels == 1 else { return -EINVAL }
        guard let h = FileHandle(forReadingAtPath: path) else { return -ENOENT }
        handle = h
        started = Date()
        delivered = 0
        return 0
    }

    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let h = handle else { return -Int(EBADFD) }
        if paced {
            // Sleep until this period's audio would have been captured by a real device.
            let due = started.addingTimeInterval(Double(delivered + buffer.count) / 16_000)
            let wait = due.timeIntervalSinceNow
            if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
        }
        let n = buffer.withMemoryRebound(to: UInt8.self) { bytes in
            let r = Glibc.read(h.fileDescriptor, bytes.baseAddress, bytes.count)
            return r < 0 ? -Int(errno) : r / 2
        }
        if n > 0 { delivered += n }
        return n
    }

    public func recover(from error: Int32) -> Int32 { error }

    public func close() {
        try? handle?.close()
        handle = nil
    }

    public func describe(error: Int32) -> String {
        error == -ENODATA ? "end of file" : String(cString: strerror(-error))
    }
}
