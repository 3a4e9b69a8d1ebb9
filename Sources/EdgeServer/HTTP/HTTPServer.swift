import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The listening side: accepts connections on a Unix socket descriptor (ours or systemd's),
/// counts them, enforces `maxConnections`, and drains on shutdown.
public final class HTTPServer: Sendable {
    private let box: ServerContextBox
    private let group: MultiThreadedEventLoopGroup
    private let serverChannel: Channel
    private let connections = ConnectionSet()

    /// Starts serving on `fd`, a bound (and possibly listening) AF_UNIX stream socket. The
    /// server owns the descriptor from now on.
    public init(fd: Int32, context box: ServerContextBox, group: MultiThreadedEventLoopGroup) async throws {
        self.box = box
        self.group = group
        let connections = self.connections
        serverChannel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                let server = box.value
                let open = connections.state.withLock { c -> Int in
                    c[ObjectIdentifier(channel)] = channel
                    return c.count
                }
                server.metrics.connectionsOpen.set(to: Double(open))
                channel.closeFuture.whenComplete { _ in
                    let left = connections.state.withLock { c -> Int in
                        c.removeValue(forKey: ObjectIdentifier(channel))
                        return c.count
                    }
                    box.value.metrics.connectionsOpen.set(to: Double(left))
                }
                guard open <= server.limits.maxConnections else {
                    server.logger.warning("connection refused: limit reached", metadata: ["limit": "\(server.limits.maxConnections)"])
                    return channel.close()
                }
                return PeerCredentials.read(from: channel).flatMapThrowing { peer in
                    try ChannelSetup.configure(channel, context: box, peer: peer)
                }
            }
            .withBoundSocket(fd)
            .get()
    }

    /// Open client connections now.
    public var connectionCount: Int { connections.state.withLock { $0.count } }

    /// Stops accepting, lets every connection finish the request it is answering (idle ones
    /// close at once), and force-closes what is left after `timeout`.
    public func drain(timeout: TimeAmount) async {
        try? await serverChannel.close()
        let open = connections.state.withLock { Array($0.values) }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let deadline = NIODeadline.now() + timeout
        while connectionCount > 0 && NIODeadline.now() < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = connections.state.withLock { Array($0.values) }
        if !left.isEmpty {
            box.value.logger.warning("drain timeout: closing connections", metadata: ["count": "\(left.count)"])
            for channel in left { channel.close(promise: nil) }
        }
    }
}

/// Open connections by identity (a class so the accept closure can share it).
final class ConnectionSet: Sendable {
    let state = Mutex<[ObjectIdentifier: Channel]>([:])
}
