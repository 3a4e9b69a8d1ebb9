import Foundation

/// sd_notify(3) without libsystemd: one datagram per state change to the AF_UNIX socket named
/// by `NOTIFY_SOCKET` (a path, or `@name` for an abstract socket). A no-op when the variable is
/// unset (not run by systemd). Sending never blocks the caller for long: MSG_DONTWAIT.
public final class SystemdNotifier: @unchecked Sendable {
    public let socketPath: String?
    /// Watchdog interval requested by systemd (`WATCHDOG_USEC`, honoured only if `WATCHDOG_PID`
    /// is absent or ours); the daemon pings at half of it.
    public let watchdogInterval: Duration?

    public init(environment env: [String: String] = ProcessInfo.processInfo.environment, pid: Int32 = getpid()) {
        let path = env["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = (path?.hasPrefix("/") == true || path?.hasPrefix("@") == true) ? path : nil
        if let usecText = env["WATCHDOG_USEC"], let usec = UInt64(usecText), usec > 0,
           env["WATCHDOG_PID"].map({ Int32($0) == pid }) ?? true {
            watchdogInterval = .microseconds(Int64(clamping: usec))
        } else {
            watchdogInterval = nil
        }
    }

    public var isEnabled: Bool { socketPath != nil }

    /// Sends `state` (newline-separated `KEY=value` assignments). Returns false on failure;
    /// a supervisor that went away must not take the daemon down.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(state.utf8)
        let sent = (try? UnixAddress.with(socketPath) { addr, len in
            bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT), addr, len) }
        }) ?? -1
        return sent == bytes.count
    }

    public func ready(status: String) { notify("READY=1\nSTATUS=\(status)") }
    public func status(_ status: String) { notify("STATUS=\(status)") }
    public func reloading() { notify("RELOADING=1\nSTATUS=reloading") }
    public func stopping() { notify("STOPPING=1\nSTATUS=draining in-flight requests") }
    public func watchdog() { notify("WATCHDOG=1") }
}
