@testable import EdgeServer
import EdgeDaemonApp
import EdgeGovernor
import EdgeStore
import Foundation
import Logging
import NIOPosix
import XCTest

/// The real server on a real Unix socket with the daemon's wiring: state.sqlite as event sink
/// and player store, the governor over an empty fake sysfs/procfs, the inference and voice routes.
final class DaemonHarness {
    let tmp: TempDir
    let socket: String
    let wiring: DaemonWiring
    let registry: ModelRegistry
    let metrics: ServerMetrics
    let server: HTTPServer
    let group: MultiThreadedEventLoopGroup
    let listener: SocketListener
    var client: UnixHTTPClient { UnixHTTPClient(socketPath: socket, timeout: .seconds(20)) }

    init(models writeModels: (String) throws -> Void = DaemonFixtures.writeAll,
         configure: (inout DaemonWiring.Options) -> Void = { _ in }) async throws {
        tmp = try TempDir()
        let models = tmp.path("models")
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        try writeModels(models)
        for root in ["sys", "proc"] { try FileManager.default.createDirectory(atPath: tmp.path(root), withIntermediateDirectories: true) }
        let logger = Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }
        var options = DaemonWiring.Options(stateDir: tmp.path("var"), roots: SignalRoots(sysfs: tmp.path("sys"), procfs: tmp.path("proc")),
                                           governorLoop: false)
        configure(&options)
        wiring = try DaemonWiring(options: options, logger: logger)
        let plugins = wiring.plugins
        let metrics = ServerMetrics()
        self.metrics = metrics
        registry = ModelRegistry(catalog: try ModelCatalog.load(directory: models), controller: plugins.levelController,
                                 events: plugins.events, metrics: metrics)
        var router = Router(CoreRoutes.all(registry: registry, metrics: metrics, sections: plugins.statusSections))
        for route in plugins.routes(registry, metrics) { router.add(route) }
        let queue = InferenceQueue(workers: 2, capacity: 16, metrics: metrics)
        let box = ServerContextBox(ServerContext(router: router, policy: AccessPolicy(rules: AccessPolicy.defaultRules),
                                                 limits: DaemonConfig.Limits(), queue: queue, metrics: metrics,
                                                 events: plugins.events, logger: logger))
        socket = tmp.path("d.sock")
        listener = try SocketListener(path: socket)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        server = try await HTTPServer(fd: listener.fd, context: box, group: group)
    }

    /// The daemon's order: background work off (willDrain), drain, then the wiring's shutdown
    /// (last request summaries, database closed).
    func shutdown() async {
        wiring.stopBackground()
        await server.drain(timeout: .seconds(2))
        try? await group.shutdownGracefully()
        wiring.shutdown()
        listener.removeFiles()
    }

    /// Sends a request and decodes a JSON object answer.
    func json(_ method: String, _ path: String, body: [UInt8] = [], contentType: String = "application/json",
              file: StaticString = #filePath, line: UInt = #line) throws -> (Int, [String: Any]) {
        let r = try client.send(method, path, body: body, contentType: contentType)
        let object = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]
        XCTAssertNotNil(object, "not a JSON object: \(r.text)", file: file, line: line)
        return (r.status, object ?? [:])
    }

    func json(_ method: String, _ path: String, object: Any) throws -> (Int, [String: Any]) {
        try json(method, path, body: Array(try JSONSerialization.data(withJSONObject: object)))
    }

    static func errorCode(_ object: [String: Any]) -> String? {
        (object["error"] as? [String: Any])?["code"] as? String
    }

    /// Events of `kind` once one satisfies `done` (the event log is written asynchronously),
    /// or what is there after about two seconds.
    func events(_ kind: EventKind, until done: ([Event]) -> Bool) async throws -> [Event] {
        var events: [Event] = []
        for _ in 0..<100 {
            events = try await wiring.store.events(kind: kind)
            if done(events) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return events
    }
}
