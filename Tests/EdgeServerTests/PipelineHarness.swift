@testable import EdgeServer
import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
import XCTest

/// Drives the real connection pipeline (`ChannelSetup`) on an `EmbeddedChannel`: raw request
/// bytes in, raw response bytes out.
struct PipelineHarness {
    let box: ServerContextBox
    let registry: ModelRegistry
    let queue: InferenceQueue
    let tmp: TempDir

    static let owner = PeerCredentials(pid: 10, uid: getuid(), gid: getgid())
    static let stranger = PeerCredentials(pid: 11, uid: 4242, gid: 4242)

    init(limits: DaemonConfig.Limits = DaemonConfig.Limits(), queueCapacity: Int = 4, extraRoutes: [Route] = []) throws {
        let (tmp, catalog) = try Fixtures.catalog()
        self.tmp = tmp
        let metrics = ServerMetrics()
        registry = ModelRegistry(catalog: catalog)
        queue = InferenceQueue(workers: 1, capacity: queueCapacity, metrics: metrics)
        var router = Router(CoreRoutes.all(registry: registry, metrics: metrics))
        for r in extraRoutes { router.add(r) }
        box = ServerContextBox(ServerContext(router: router, policy: AccessPolicy(rules: AccessPolicy.defaultRules),
                                             limits: limits, queue: queue, metrics: metrics,
                                             logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }))
    }

    func channel(peer: PeerCredentials = owner) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try ChannelSetup.configure(channel, context: box, peer: peer)
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/x")).wait()
        return channel
    }
}

extension EmbeddedChannel {
    /// Feeds raw bytes; errors from the pipeline are swallowed (the channel answers or closes).
    func feed(_ text: String) { feed(Array(text.utf8)) }
    func feed(_ bytes: [UInt8]) {
        guard isActive else { return }
        _ = try? writeInbound(ByteBuffer(bytes: bytes))
    }

    /// Everything written to the socket so far.
    func drainOutput() -> String {
        var out = ""
        while let part = try? readOutbound(as: IOData.self) {
            if case .byteBuffer(let b) = part { out += String(buffer: b) }
        }
        while let b = try? readOutbound(as: ByteBuffer.self) { out += String(buffer: b) }
        return out
    }
}

/// Splits raw output into (status, body) pairs by Content-Length.
func parseResponses(_ raw: String) -> [(Int, String)] {
    var out: [(Int, String)] = []
    var rest = Substring(raw)
    while let headEnd = rest.range(of: "\r\n\r\n") {
        let head = rest[..<headEnd.lowerBound]
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? -1
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        let bodyStart = headEnd.upperBound
        let bodyEnd = rest.utf8.index(bodyStart, offsetBy: min(length, rest.utf8.distance(from: bodyStart, to: rest.endIndex)))
        out.append((status, String(rest[bodyStart..<bodyEnd])))
        rest = rest[bodyEnd...]
    }
    return out
}
