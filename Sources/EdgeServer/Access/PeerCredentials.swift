import Foundation
import NIOCore

/// The identity of the process at the other end of a Unix socket, read by the kernel at
/// `connect()` time (SO_PEERCRED), so a client cannot forge it.
public struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// No credentials (a non-Unix channel, e.g. an `EmbeddedChannel` in tests): denied by every
    /// group that does not allow any peer.
    public static let unknown = PeerCredentials(pid: 0, uid: UInt32.max, gid: UInt32.max)

    public var description: String { "pid=\(pid) uid=\(uid) gid=\(gid)" }

    /// Reads SO_PEERCRED from a connected socket channel; `.unknown` when the channel has no socket.
    static func read(from channel: Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(.unknown)
        }
        return provider.unsafeGetSocketOption(level: .socket, name: .init(rawValue: SO_PEERCRED))
            .map { (cred: RawCred) in PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid) }
            .recover { _ in .unknown }
    }

    /// SO_PEERCRED of a raw connected Unix socket descriptor.
    public static func read(fd: Int32) -> PeerCredentials? {
        var cred = RawCred(pid: 0, uid: 0, gid: 0)
        var len = socklen_t(MemoryLayout<RawCred>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 else { return nil }
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid)
    }
}

/// `struct ucred` from <sys/socket.h> (only declared there under _GNU_SOURCE, which Swift's
/// Glibc module does not set): three 32-bit fields, 12 bytes.
struct RawCred: Sendable {
    var pid: Int32
    var uid: UInt32
    var gid: UInt32
}
