import Foundation
import Logging
import Synchronization

/// swift-log handler for a daemon whose stderr goes to journald: one line per event, a level,
/// no timestamp (journald adds it), `key=value` metadata. Under systemd (JOURNAL_STREAM names
/// our stderr) each line starts with the `<N>` syslog priority so journald files the level.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let syslogPrefix: Bool
    private let sink: LineSink

    /// Writes whole lines to a descriptor under a lock, so concurrent events never interleave.
    public final class LineSink: Sendable {
        private let fd: Int32
        private let lock = Mutex(())
        public init(fd: Int32) { self.fd = fd }
        func write(_ line: String) {
            lock.withLock { _ in
                var bytes = Array(line.utf8)
                bytes.withUnsafeMutableBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                        if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                        offset += n
                    }
                }
            }
        }
    }

    public init(label: String, level: Logger.Level = .info, syslogPrefix: Bool = JournalLogHandler.stderrIsJournal(),
                sink: LineSink = LineSink(fd: STDERR_FILENO)) {
        self.label = label
        self.logLevel = level
        self.syslogPrefix = syslogPrefix
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        sink.write(Self.format(level: event.level, message: "\(event.message)", metadata: merged, syslogPrefix: syslogPrefix))
    }

    /// One line: `[<N>]LEVEL message key=value …`; newlines inside values are escaped so one
    /// event stays one line.
    public static func format(level: Logger.Level, message: String, metadata: Logger.Metadata, syslogPrefix: Bool) -> String {
        var line = syslogPrefix ? "<\(syslogPriority(level))>" : ""
        line += level.rawValue.uppercased() + " " + escape(message)
        for key in metadata.keys.sorted() {
            let value = escape("\(metadata[key]!)")
            line += " \(key)=" + (value.contains(" ") || value.isEmpty ? JSONText.quote(value) : value)
        }
        return line + "\n"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }

    /// sd-daemon(3) priorities.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// True when JOURNAL_STREAM's `device:inode` is our stderr (systemd.exec(5)), so output
    /// redirected elsewhere by the user does not get `<N>` prefixes.
    public static func stderrIsJournal(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let value = env["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(STDERR_FILENO, &st) == 0 else { return false }
        return UInt64(st.st_dev) == dev && UInt64(st.st_ino) == ino
    }
}
