import EdgeServer
import XCTest

final class ConfigLoaderTests: XCTestCase {
    func testEmptyDocumentGivesDefaults() throws {
        XCTAssertEqual(try ConfigLoader.parse(""), DaemonConfig())
        let d = DaemonConfig()
        XCTAssertEqual(d.socket, "./run/edge-assistant.sock")
        XCTAssertEqual(d.stateDir, "./var")
        XCTAssertEqual(d.modelsDir, "./models")
        XCTAssertFalse(d.accessPolicy.allows(PeerCredentials(pid: 1, uid: 4242, gid: 4242), .admin))
        XCTAssertTrue(d.accessPolicy.allows(PeerCredentials(pid: 1, uid: 4242, gid: 4242), .read))
    }

    func testEveryKeyIsRead() throws {
        let c = try ConfigLoader.parse("""
        socket: /run/x.sock
        state_dir: /var/lib/x
        models_dir: /usr/share/x
        event_loop_threads: 2
        log_level: debug
        limits:
          max_header_bytes: 8192
          max_body_bytes: 1048576
          max_connections: 10
          request_timeout_ms: 500
          idle_timeout_ms: 700
          drain_timeout_ms: 900
        inference:
          workers: 3
          queue_capacity: 4
          retry_after_s: 2
        event_log:
          summary_interval_s: 30
        voice:
          microphone_on_start: false
          sse_write_timeout_ms: 1500
        access:
          admin:
            allow_any: false
            uids: [1000, 1001]
            gids: [27]
          read:
            allow_any: false
        """)
        XCTAssertEqual(c.socket, "/run/x.sock")
        XCTAssertEqual(c.stateDir, "/var/lib/x")
        XCTAssertEqual(c.modelsDir, "/usr/share/x")
        XCTAssertEqual(c.eventLoopThreads, 2)
        XCTAssertEqual(c.logLevel, .debug)
        XCTAssertEqual(c.limits.maxHeaderBytes, 8192)
        XCTAssertEqual(c.limits.maxBodyBytes, 1_048_576)
        XCTAssertEqual(c.limits.maxConnections, 10)
        XCTAssertEqual(c.limits.requestTimeoutMs, 500)
        XCTAssertEqual(c.limits.idleTimeoutMs, 700)
        XCTAssertEqual(c.limits.drainTimeoutMs, 900)
        XCTAssertEqual(c.inference.workers, 3)
        XCTAssertEqual(c.inference.queueCapacity, 4)
        XCTAssertEqual(c.inference.retryAfterSeconds, 2)
        XCTAssertEqual(c.eventLog.summaryIntervalSeconds, 30)
        XCTAssertFalse(c.voice.microphoneOnStart)
        XCTAssertEqual(c.voice.sseWriteTimeoutMs, 1500)
        XCTAssertEqual(c.access[.admin], AccessRule(allowAny: false, uids: [1000, 1001], gids: [27]))
        let policy = AccessPolicy(rules: c.access, daemonUID: 999)
        XCTAssertTrue(policy.allows(PeerCredentials(pid: 1, uid: 1001, gid: 5), .admin))
        XCTAssertTrue(policy.allows(PeerCredentials(pid: 1, uid: 5000, gid: 27), .admin))
        XCTAssertTrue(policy.allows(PeerCredentials(pid: 1, uid: 0, gid: 0), .admin), "root is always allowed")
        XCTAssertTrue(policy.allows(PeerCredentials(pid: 1, uid: 999, gid: 0), .read), "the daemon's own uid is always allowed")
        XCTAssertFalse(policy.allows(PeerCredentials(pid: 1, uid: 5000, gid: 5), .read))
        XCTAssertFalse(policy.allows(.unknown, .admin))
    }

    func testBadInputsNameTheKey() {
        let cases: [(String, String)] = [
            ("limits:\n  max_body_byte: 1\n", "limits.max_body_byte"),
            ("sockett: /x\n", "sockett"),
            ("limits:\n  max_body_bytes: lots\n", "limits.max_body_bytes"),
            ("limits:\n  max_body_bytes: 0\n", "limits.max_body_bytes"),
            ("inference:\n  workers: -1\n", "inference.workers"),
            ("access:\n  admin:\n    uids: [root]\n", "access.admin.uids"),
            ("access:\n  admin:\n    allow_any: maybe\n", "access.admin.allow_any"),
            ("access:\n  wizards: {}\n", "access.wizards"),
            ("log_level: loud\n", "log_level"),
            ("event_log:\n  summary_interval_s: 0\n", "event_log.summary_interval_s"),
            ("event_log:\n  summary_interval_s: 3601\n", "event_log.summary_interval_s"),
            ("event_log:\n  interval: 5\n", "event_log.interval"),
            ("voice:\n  microphone_on_start: yes please\n", "voice.microphone_on_start"),
            ("voice:\n  sse_write_timeout_ms: -5\n", "voice.sse_write_timeout_ms"),
            ("limits: 5\n", "limits"),
            ("- a\n- b\n", "mapping"),
            ("socket: [unclosed\n", "invalid YAML"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try ConfigLoader.parse(text), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text) → \(error)")
            }
        }
    }

    /// docs/config.example.yaml lists every key with its default: it must parse to the defaults.
    func testExampleConfigIsTheDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = try ConfigLoader.load(path: root.appendingPathComponent("docs/config.example.yaml").path)
        XCTAssertEqual(example, DaemonConfig())
    }

    func testFileAndOverrides() throws {
        let tmp = try TempDir()
        let path = tmp.path("c.yaml")
        try "socket: /tmp/from-file.sock\nmodels_dir: /m\n".write(toFile: path, atomically: true, encoding: .utf8)
        let c = try DaemonOptions(configPath: path, socket: "/tmp/cli.sock").resolveConfig()
        XCTAssertEqual(c.socket, "/tmp/cli.sock", "command line wins")
        XCTAssertEqual(c.modelsDir, "/m")
        XCTAssertThrowsError(try DaemonOptions(configPath: tmp.path("missing.yaml")).resolveConfig()) {
            XCTAssertTrue("\($0)".contains("cannot read config file"))
        }
    }
}
