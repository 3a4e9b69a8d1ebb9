@testable import EdgeServer
import Foundation
import Logging
import NIOCore
import NIOPosix
import XCTest

/// The real server on a real Unix socket.
final class ServerIntegrationTests: XCTestCase {
    struct Running {
        let tmp: TempDir
        let path: String
        let server: HTTPServer
        let group: MultiThreadedEventLoopGroup
        let listener: SocketListener
        let gate: DispatchSemaphore
        func shutdown() async {
            await server.drain(timeout: .seconds(2))
            try? await group.shutdownGracefully()
            listener.removeFiles()
        }
    }

    func start(limits: DaemonConfig.Limits = DaemonConfig.Limits()) async throws -> Running {
        let (tmp, catalog) = try Fixtures.catalog()
        let metrics = ServerMetrics()
        let registry = ModelRegistry(catalog: catalog)
        let gate = DispatchSemaphore(value: 0)
        var router = Router(CoreRoutes.all(registry: registry, metrics: metrics))
        router.add(Route(.GET, "/v1/test/peer", group: .read, .inline { req in
            Response(body: Array("\(req.peer.uid) \(req.peer.gid) \(req.peer.pid)".utf8))
        }))
        router.add(Route(.POST, "/v1/test/slow", group: .inference, .offloaded { _ in
            gate.wait()
            return Response(body: Array("done".utf8))
        }))
        let queue = InferenceQueue(workers: 2, capacity: 8, metrics: metrics)
        let box = ServerContextBox(ServerContext(router: router, policy: AccessPolicy(rules: AccessPolicy.defaultRules),
                                                 limits: limits, queue: queue, metrics: metrics,
                                                 logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }))
        let path = tmp.path("d.sock")
        let listener = try SocketListener(path: path)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await HTTPServer(fd: listener.fd, context: box, group: group)
        return Running(tmp: tmp, path: path, server: server, group: group, listener: listener, gate: gate)
    }

    func testPeerCredentialsAndManyConcurrentClients() async throws {
        let r = try await start()
        let client = UnixHTTPClient(socketPath: r.path, timeout: .seconds(10))
        let peer = try client.send("GET", "/v1/test/peer")
        XCTAssertEqual(peer.text, "\(getuid()) \(getgid()) \(getpid())")
        let failures = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 200) { i in
            let res = try? client.send("GET", i % 2 == 0 ? "/v1/health" : "/v1/models")
            if res?.status != 200 { failures.add() }
        }
        XCTAssertEqual(failures.value, 0)
        await r.shutdown()
    }

    func testSlowLorisAndIdleClientsAreCutOffWhileOthersAreServed() async throws {
        var limits = DaemonConfig.Limits()
        limits.requestTimeoutMs = 300
        limits.idleTimeoutMs = 400
        let r = try await start(limits: limits)
        let slow = try UnixAddress.connectStream(r.path)
        defer { close(slow) }
        let idle = try UnixAddress.connectStream(r.path)
        defer { close(idle) }
        _ = "GET /v1/hea".withCString { write(slow, $0, 11) }
        // Meanwhile a normal client is served.
        XCTAssertEqual(try UnixHTTPClient(socketPath: r.path).send("GET", "/v1/health").status, 200)
        try await Task.sleep(for: .milliseconds(700))
        let answer = readAll(slow)
        XCTAssertTrue(answer.hasPrefix("HTTP/1.1 408"), answer)
        XCTAssertEqual(readAll(idle), "", "idle connection closed without a response")
        XCTAssertEqual(r.server.connectionCount, 0)
        await r.shutdown()
    }

    func testDrainFinishesInFlightRequestsAndStopsAccepting() async throws {
        let r = try await start()
        let path = r.path, server = r.server
        let result = Task.detached { try UnixHTTPClient(socketPath: path).send("POST", "/v1/test/slow") }
        while r.server.connectionCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        let drain = Task { await server.drain(timeout: .seconds(5)) }
        try await Task.sleep(for: .milliseconds(100))
        XCTAssertThrowsError(try UnixHTTPClient(socketPath: r.path).send("GET", "/v1/health"), "no new connections while draining")
        r.gate.signal()
        let response = try await result.value
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "done", "the in-flight request was answered")
        await drain.value
        try? await r.group.shutdownGracefully()
        r.listener.removeFiles()
    }

    func testConnectionLimit() async throws {
        var limits = DaemonConfig.Limits()
        limits.maxConnections = 2
        let r = try await start(limits: limits)
        let a = try UnixAddress.connectStream(r.path), b = try UnixAddress.connectStream(r.path)
        defer { close(a); close(b) }
        while r.server.connectionCount < 2 { try await Task.sleep(for: .milliseconds(5)) }
        let c = try UnixAddress.connectStream(r.path)
        defer { close(c) }
        XCTAssertEqual(readAll(c), "", "the third connection is closed at once")
        close(a)
        try await Task.sleep(for: .milliseconds(50))
        XCTAssertEqual(try UnixHTTPClient(socketPath: r.path).send("GET", "/v1/health").status, 200)
        await r.shutdown()
    }

    func readAll(_ fd: Int32) -> String {
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var out: [UInt8] = [], buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

final class Atomic: @unchecked Sendable {
    private let lock = NSLock()
    private var v: Int
    init(_ v: Int) { self.v = v }
    func add() { lock.lock(); v += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return v }
}
