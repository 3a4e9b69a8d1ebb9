import Foundation

/// `sockaddr_un` construction shared by the server, the client and sd_notify. A leading `@`
/// names a Linux abstract socket (first byte NUL), as systemd writes NOTIFY_SOCKET.
enum UnixAddress {
    /// `sun_path` holds 108 bytes including the terminating NUL.
    static let maxPathBytes = 107

    /// Calls `body` with a filled `sockaddr_un` and its length.
    static func with<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> T) throws -> T {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        guard !bytes.isEmpty, bytes.count <= maxPathBytes else {
            throw SocketError("socket path '\(path)' is \(bytes.count) bytes; Unix socket paths must be 1…\(maxPathBytes) bytes")
        }
        guard abstract || !bytes.contains(0) else { throw SocketError("socket path contains a NUL byte") }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        // Abstract names are length-delimited (no NUL terminator counted); paths include it.
        let length = MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1)
        return try withUnsafePointer(to: &addr) { p in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(length)) }
        }
    }

    /// Connects a new blocking stream socket to `path`; returns the descriptor or throws with errno.
    static func connectStream(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket(): \(String(cString: strerror(errno)))") }
        do {
            try with(path) { addr, len in
                guard connect(fd, addr, len) == 0 else { throw SocketError.errno("connect to \(path)", errno) }
            }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }
}

/// A socket setup or I/O failure with the errno it came from (when there is one).
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var errno: Int32?

    public init(_ message: String, errno: Int32? = nil) {
        self.message = message
        self.errno = errno
    }

    static func errno(_ what: String, _ code: Int32) -> SocketError {
        SocketError("\(what): \(String(cString: strerror(code)))", errno: code)
    }

    public var description: String { message }
}
