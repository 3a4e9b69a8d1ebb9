import Foundation
import Synchronization
import EdgeVoice

/// A scripted `PCMSource`: each open and read takes the next step of a script, so tests inject
/// absent devices, xruns, suspends, end of stream and permission errors at chosen points.
public final class FakePCMSource: PCMSource {
    public enum Step: Sendable {
        case openFails(Int32)
        case open
        /// A read returning `count` samples of value `value`.
        case data(count: Int, value: Int16)
        case readError(Int32)
        case eof
        /// A recover call that fails with this error (the next recover after a read error).
        case recoverFails(Int32)
    }

    /// Shared with the test thread: what happened, for assertions.
    public final class Log: Sendable {
        let events = Mutex<[String]>([])
        public init() {}
        public func add(_ s: String) { events.withLock { $0.append(s) } }
        public var all: [String] { events.withLock { $0 } }
    }

    private var script: [Step]
    private let log: Log
    private var opened = false
    /// When the script runs out: keep delivering silence (a live device) with this pacing.
    private let idleSleepMs: Int

    public init(_ script: [Step], log: Log, idleSleepMs: Int = 2) {
        self.script = script
        self.log = log
        self.idleSleepMs = idleSleepMs
    }

    private func nextStep() -> Step? { script.isEmpty ? nil : script.removeFirst() }

    public func open(device: String, sampleRate: Int, channels: Int, periodFrames: Int) -> Int32 {
        // A read step where an open is due means the open succeeds (and the step stays).
        switch script.first {
        case .openFails(let e)?: script.removeFirst(); log.add("open-fail \(e)"); return e
        case .open?: script.removeFirst()
        default: break
        }
        opened = true
        log.add("open")
        return 0
    }

    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) -> Int {
        precondition(opened, "read on a closed PCM")
        switch nextStep() {
        case .data(let n, let v)?:
            let k = min(n, buffer.count)
            for i in 0..<k { buffer[i] = v }
            return k
        case .readError(let e)?: log.add("read-error \(e)"); return Int(e)
        case .eof?: log.add("eof"); return 0
        case nil:
            usleep(UInt32(idleSleepMs * 1000))
            for i in 0..<buffer.count { buffer[i] = 0 }
            return buffer.count
        case .open?, .openFails?, .recoverFails?:
            fatalError("script: an open/recover step where a read is due")
        }
    }

    public func recover(from error: Int32) -> Int32 {
        if case .recoverFails(let e)? = script.first {
            script.removeFirst()
            log.add("recover-fail \(e)")
            return e
        }
        log.add("recover \(error)")
        return 0
    }

    public func close() {
        if opened { log.add("close") }
        opened = false
    }

    public func describe(error: Int32) -> String { String(cString: strerror(-error)) }
}
