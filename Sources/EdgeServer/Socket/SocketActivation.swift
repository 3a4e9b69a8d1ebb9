import Foundation

/// Listening sockets passed by systemd (sd_listen_fds(3) protocol, implemented here so no
/// libsystemd is needed): `LISTEN_PID` must be our pid, `LISTEN_FDS` counts descriptors from
/// fd 3 on, `LISTEN_FDNAMES` names them (colon-separated). The variables are removed after
/// reading so children do not inherit them.
public enum SocketActivation {
    /// First passed descriptor (SD_LISTEN_FDS_START).
    public static let firstFD: Int32 = 3

    /// A passed socket with its name (`FileDescriptorName=`, default "unknown").
    public struct PassedSocket: Sendable, Equatable {
        public var fd: Int32
        public var name: String
    }

    /// Parses the environment; nil when not socket-activated. Validation of the descriptors
    /// themselves is `validate`'s job.
    public static func parse(_ env: [String: String], pid: Int32 = getpid()) throws(SocketError) -> [PassedSocket]? {
        guard let countText = env["LISTEN_FDS"] else { return nil }
        guard let pidText = env["LISTEN_PID"], let listenPID = Int32(pidText) else {
            throw SocketError("LISTEN_FDS is set but LISTEN_PID is missing or not a number")
        }
        // Meant for another process (e.g. inherited through a shell): ignore, as sd_listen_fds does.
        guard listenPID == pid else { return nil }
        guard let count = Int(countText), count >= 0, count <= 64 else {
            throw SocketError("LISTEN_FDS must be a number of descriptors (0…64), got '\(countText)'")
        }
        let names = env["LISTEN_FDNAMES"].map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
        if let names, names.count != count {
            throw SocketError("LISTEN_FDNAMES names \(names.count) descriptor(s) but LISTEN_FDS is \(count)")
        }
        return (0..<count).map { i in PassedSocket(fd: firstFD + Int32(i), name: names?[i] ?? "unknown") }
    }

    /// Reads and clears the process environment; returns the listening stream socket to serve on.
    /// With several sockets, the one named `preferredName` wins, else the first.
    public static func adopt(preferredName: String = "api") throws(SocketError) -> PassedSocket? {
        guard let sockets = try parse(ProcessInfo.processInfo.environment) else { return nil }
        unsetenv("LISTEN_PID"); unsetenv("LISTEN_FDS"); unsetenv("LISTEN_FDNAMES")
        guard !sockets.isEmpty else { throw SocketError("socket activation passed no descriptors (LISTEN_FDS=0)") }
        let chosen = sockets.first { $0.name == preferredName } ?? sockets[0]
        try validate(chosen.fd)
        for s in sockets { _ = fcntl(s.fd, F_SETFD, FD_CLOEXEC) }
        return chosen
    }

    /// The descriptor must be a listening AF_UNIX stream socket.
    public static func validate(_ fd: Int32) throws(SocketError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .errno("passed descriptor \(fd) is not open", errno) }
        guard (st.st_mode & S_IFMT) == S_IFSOCK else { throw SocketError("passed descriptor \(fd) is not a socket") }
        func option(_ name: Int32) -> Int32? {
            var value: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(fd, SOL_SOCKET, name, &value, &len) == 0 ? value : nil
        }
        guard option(SO_DOMAIN) == AF_UNIX else { throw SocketError("passed descriptor \(fd) is not a Unix socket (use ListenStream=/path)") }
        guard option(SO_TYPE) == Int32(SOCK_STREAM.rawValue) else { throw SocketError("passed descriptor \(fd) is not a stream socket") }
        guard option(SO_ACCEPTCONN) == 1 else { throw SocketError("passed descriptor \(fd) is not listening") }
    }
}
