import Foundation

/// Creates the daemon's listening Unix socket at a path, safely:
///
/// - the parent directory is created (0750) if missing, and refused if it is not a directory or
///   is writable by others without the sticky bit (anyone could swap the socket);
/// - an exclusive `flock` on `PATH.lock` (held for the daemon's life) makes two instances
///   starting at once race on the lock, not on the socket file;
/// - an existing file that is not a socket is never removed; an existing socket that answers
///   `connect` belongs to a live instance: refuse to start (never steal it); one that refuses
///   connections is stale and is unlinked;
/// - `bind` runs under umask 0177 so the file is never more open than 0600, then it is chmod'ed
///   to the requested mode (0660): no window where it is wider than intended, whatever the umask.
public final class SocketListener: @unchecked Sendable {
    public let path: String
    /// The bound, listening descriptor (owned by NIO once handed over).
    public let fd: Int32
    private let lockFD: Int32
    private var inode: ino_t = 0

    public init(path: String, mode: mode_t = 0o660, backlog: Int32 = 256) throws(SocketError) {
        self.path = path
        try Self.checkParent(of: path)
        lockFD = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard lockFD >= 0 else { throw .errno("cannot open lock file \(path).lock", errno) }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            close(lockFD)
            throw SocketError("another edge-assistant instance holds \(path).lock; refusing to start (stop it first)")
        }
        do {
            try Self.removeStale(path)
            fd = try Self.bindListening(path, mode: mode, backlog: backlog)
        } catch {
            close(lockFD)
            throw error
        }
        var st = stat()
        if lstat(path, &st) == 0 { inode = st.st_ino }
    }

    /// Removes the socket file if it is still the one we bound, and releases the lock (at
    /// shutdown). The lock file stays: unlinking it would let a newcomer lock a fresh inode
    /// while we still run.
    public func removeFiles() {
        var st = stat()
        if lstat(path, &st) == 0, st.st_ino == inode { unlink(path) }
        close(lockFD)
    }

    static func checkParent(of path: String) throws(SocketError) {
        let parent = (path as NSString).deletingLastPathComponent
        let dir = parent.isEmpty ? "." : parent
        var st = stat()
        if lstat(dir, &st) != 0 {
            guard errno == ENOENT else { throw .errno("cannot inspect socket directory \(dir)", errno) }
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o750])
            } catch {
                throw SocketError("cannot create socket directory \(dir): \(error.localizedDescription)")
            }
            guard stat(dir, &st) == 0 else { throw .errno("cannot inspect socket directory \(dir)", errno) }
        } else if (st.st_mode & S_IFMT) == S_IFLNK {
            guard stat(dir, &st) == 0 else { throw .errno("socket directory \(dir) is a dangling link", errno) }
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw SocketError("socket directory \(dir) is not a directory") }
        if st.st_mode & S_IWOTH != 0 && st.st_mode & S_ISVTX == 0 {
            throw SocketError("socket directory \(dir) is world-writable without the sticky bit; anyone could replace the socket — use a private directory")
        }
    }

    static func removeStale(_ path: String) throws(SocketError) {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return }
            throw .errno("cannot inspect \(path)", errno)
        }
        guard (st.st_mode & S_IFMT) == S_IFSOCK else {
            throw SocketError("\(path) exists and is not a socket; refusing to replace it")
        }
        do {
            let probe = try UnixAddress.connectStream(path)
            close(probe)
            throw SocketError("another process is serving on \(path); refusing to start (stop it first)")
        } catch let e as SocketError where e.errno == ECONNREFUSED || e.errno == ENOENT {
            // Stale: nobody listens. Removing it is safe because we hold the lock.
            guard unlink(path) == 0 || errno == ENOENT else { throw .errno("cannot remove stale socket \(path)", errno) }
        } catch let e as SocketError {
            throw e
        } catch {
            throw SocketError("\(error)")
        }
    }

    static func bindListening(_ path: String, mode: mode_t, backlog: Int32) throws(SocketError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .errno("socket()", errno) }
        let old = umask(0o177)
        defer { umask(old) }
        do {
            try UnixAddress.with(path) { addr, len in
                guard bind(fd, addr, len) == 0 else { throw SocketError.errno("cannot bind \(path)", errno) }
            }
        } catch {
            close(fd)
            throw (error as? SocketError) ?? SocketError("\(error)")
        }
        guard chmod(path, mode) == 0 else {
            let e = errno
            close(fd); unlink(path)
            throw .errno("cannot chmod \(path)", e)
        }
        guard listen(fd, backlog) == 0 else {
            let e = errno
            close(fd); unlink(path)
            throw .errno("cannot listen on \(path)", e)
        }
        return fd
    }
}
