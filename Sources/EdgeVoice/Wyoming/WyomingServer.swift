import EdgeRuntime
import Foundation

/// Wyoming protocol server on a Unix socket (optional, beside the daemon's HTTP socket), for
/// Home Assistant / Rhasspy voice satellites.
///
/// Thread per connection, not an event loop: connections are few (one per satellite) and
/// long-lived, and each runs CPU-bound recognition on its audio, which would stall an event
/// loop anyway; blocking reads keep the framing code linear and the target free of extra
/// dependencies. Bounds: `maxConnections` at once (more are refused with an `error` event),
/// idle/send timeout per connection, per-event size limits in `WyomingDecoder`.
public final class WyomingServer: @unchecked Sendable {
    public let path: String
    public let maxConnections: Int
    public let timeoutSeconds: Int
    private let makeSession: @Sendable () -> WyomingSession
    private let lock = NSLock()
    private var listenFD: Int32 = -1
    private var acceptThread: JoinableThread?
    private var connections: [Int: (fd: Int32, thread: JoinableThread?)] = [:]
    private var finished: [JoinableThread] = []   // ended connections, joined by the accept loop
    private var nextID = 0
    private var stopping = false

    /// - Parameter makeSession: a fresh protocol session per connection.
    public init(path: String, maxConnections: Int = 8, timeoutSeconds: Int = 60,
                makeSession: @escaping @Sendable () -> WyomingSession) {
        self.path = path
        self.maxConnections = max(1, maxConnections)
        self.timeoutSeconds = max(1, timeoutSeconds)
        self.makeSession = makeSession
    }

    deinit { stop() }

    /// Open connections.
    public var connectionCount: Int { lock.lock(); defer { lock.unlock() }; return connections.count }

    /// Binds the socket and starts accepting.
    public func start() throws(EdgeError) {
        lock.lock()
        defer { lock.unlock() }
        guard listenFD < 0 else { return }
        listenFD = try UnixSocket.listen(path: path)
        stopping = false
        let fd = listenFD
        let t = JoinableThread(name: "edge-wyoming") { [self] in acceptLoop(fd) }
        guard t.started else {
            close(fd)
            listenFD = -1
            unlink(path)
            throw EdgeError(.io, "cannot start the Wyoming accept thread")
        }
        acceptThread = t
    }

    /// Stops accepting, ends every connection and joins all threads; removes the socket file.
    public func stop() {
        lock.lock()
        guard listenFD >= 0 else { lock.unlock(); return }
        stopping = true
        shutdown(listenFD, Int32(SHUT_RDWR))   // wakes the blocked accept()
        for c in connections.values { shutdown(c.fd, Int32(SHUT_RDWR)) }
        let acceptor = acceptThread
        lock.unlock()
        acceptor?.join()
        // No new connections now; join the ones still running (they deregister themselves).
        while true {
            lock.lock()
            let next = connections.first
            lock.unlock()
            guard let (id, c) = next else { break }
            c.thread?.join()
            lock.lock()
            connections[id] = nil
            lock.unlock()
        }
        reapFinished()
        lock.lock()
        close(listenFD)
        listenFD = -1
        acceptThread = nil
        lock.unlock()
        unlink(path)
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            reapFinished()
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                lock.lock(); let done = stopping; lock.unlock()
                if done { return }
                usleep(10_000)   // e.g. EMFILE: do not spin while descriptors are exhausted
                continue
            }
            UnixSocket.setTimeouts(client, seconds: timeoutSeconds)
            lock.lock()
            guard !stopping, connections.count < maxConnections else {
                lock.unlock()
                _ = UnixSocket.writeAll(client, WyomingEvent.error("too many connections (\(maxConnections))", code: "busy").encoded())
                close(client)
                continue
            }
            nextID += 1
            let id = nextID
            connections[id] = (client, nil)
            let t = JoinableThread(name: "edge-wyoming-c") { [self] in serve(client, id: id) }
            if t.started {
                connections[id]?.thread = t
            } else {
                // Out of threads: refuse this peer rather than keep a connection nobody serves.
                connections[id] = nil
                close(client)
            }
            lock.unlock()
        }
    }

    /// Joins connection threads that have ended (they exit right after queueing themselves).
    private func reapFinished() {
        lock.lock()
        let done = finished
        finished = []
        lock.unlock()
        for t in done { t.join() }
    }

    /// One connection: read, decode, answer, until EOF, timeout, protocol error or stop.
    private func serve(_ fd: Int32, id: Int) {
        let session = makeSession()
        var decoder = WyomingDecoder()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        defer {
            buffer.deallocate()
            close(fd)
            lock.lock()
            // During stop() the stopping thread joins and removes the entry itself.
            if !stopping, let t = connections.removeValue(forKey: id)?.thread { finished.append(t) }
            lock.unlock()
        }
        loop: while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }   // EOF, timeout, reset or shutdown
            decoder.append(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            do {
                while let event = try decoder.next() {
                    for reply in session.handle(event) where !UnixSocket.writeAll(fd, reply.encoded()) { break loop }
                }
            } catch {
                _ = UnixSocket.writeAll(fd, WyomingEvent.error(error.message, code: error.code.rawValue).encoded())
                break
            }
        }
    }
}
