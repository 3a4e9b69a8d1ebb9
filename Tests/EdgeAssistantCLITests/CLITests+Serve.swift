import EdgeRuntime
import Foundation
import XCTest

/// `edge-assistant serve` / `query` as a process: sd_notify, signals, socket activation and
/// the systemd unit files. (The server's HTTP behaviour is covered in EdgeServerTests.)
extension CLITests {
    /// A short base directory: Unix socket paths are limited to 107 bytes.
    func shortDir() throws -> String {
        let d = "/tmp/ea-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: d + "/models", withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    func launch(_ executable: String, _ args: [String], env: [String: String] = [:]) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        addTeardownBlock { if p.isRunning { p.terminate() } }
        return (p, err)
    }

    /// Waits until `query health` answers (or the timeout passes).
    func waitHealthy(_ socket: String, seconds: Double = 20) throws -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try cli(["query", "--socket", socket, "health"]).0 == 0 { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    func testServeNotifiesReadyReloadsAndDrainsOnSIGTERM() throws {
        let d = try shortDir()
        let notify = d + "/notify"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(notify.utf8)) }
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        XCTAssertEqual(bound, 0)
        var tv = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        func receive() -> String {
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buf, buf.count, 0)
            return n > 0 ? String(decoding: buf[0..<n], as: UTF8.self) : ""
        }

        let config = d + "/config.yaml"
        try "limits:\n  drain_timeout_ms: 2000\n".write(toFile: config, atomically: true, encoding: .utf8)
        let sock = d + "/run/d.sock"
        let (p, err) = try launch(try binary.path, ["serve", "--socket", sock, "--models", d + "/models", "--state-dir", d + "/var", "--config", config],
                                  env: ["NOTIFY_SOCKET": notify])
        let ready = receive()
        XCTAssertTrue(ready.hasPrefix("READY=1\nSTATUS=serving 0 model families"), ready)
        let (status, out, _) = try cli(["query", "--socket", sock, "status"])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(out.contains(#""status":"ok""#), out)

        // A bad config on reload is refused; the daemon keeps serving.
        try "limits:\n  max_body_bytes: -1\n".write(toFile: config, atomically: true, encoding: .utf8)
        kill(p.processIdentifier, SIGHUP)
        XCTAssertEqual(receive(), "RELOADING=1\nSTATUS=reloading")
        XCTAssertTrue(receive().contains("reload failed"))
        XCTAssertEqual(try cli(["query", "--socket", sock, "health"]).0, 0)

        kill(p.processIdentifier, SIGTERM)
        XCTAssertTrue(receive().hasPrefix("STOPPING=1"))
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sock), "socket removed on exit")
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(log.contains("ERROR reload failed"), log)
        XCTAssertTrue(log.contains("limits.max_body_bytes"), log)
        XCTAssertTrue(log.contains("INFO stopped"), log)

        let (down, _, message) = try cli(["query", "--socket", sock, "health"])
        XCTAssertEqual(down, 2)
        XCTAssertTrue(message.contains("daemon not reachable"), message)
    }

    func testServeAdoptsSystemdSocket() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-socket-activate") else {
            throw XCTSkip("systemd-socket-activate not installed (Debian package systemd; `make test-deps` installs it)")
        }
        let d = try shortDir()
        let sock = d + "/activated.sock"
        let (p, err) = try launch("/usr/bin/systemd-socket-activate",
                                  ["-l", sock, "--fdname=api", try binary.path, "serve", "--socket", d + "/ignored.sock",
                                   "--models", d + "/models", "--state-dir", d + "/var"])
        // A raw request, not `query`: the first connection is what makes systemd-socket-activate
        // exec the daemon, and a client process spawned at that moment is not reaped reliably
        // by Foundation's Process here.
        var answer = ""
        for _ in 0..<200 where !answer.hasPrefix("HTTP/1.1 200") {
            answer = rawGet(sock, "/v1/health")
            if answer.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        }
        XCTAssertTrue(answer.hasPrefix("HTTP/1.1 200"), "daemon answers on the passed socket: \(answer)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: d + "/ignored.sock"), "--socket is ignored under activation")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(log.contains("using socket from systemd") && log.contains("name=api"), log)
    }

    func testSecondInstanceIsRefused() throws {
        let d = try shortDir()
        let sock = d + "/one.sock"
        let (p, _) = try launch(try binary.path, ["serve", "--socket", sock, "--models", d + "/models", "--state-dir", d + "/var"])
        XCTAssertTrue(try waitHealthy(sock))
        let (status, _, err) = try cli(["serve", "--socket", sock, "--models", d + "/models", "--state-dir", d + "/var"])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(err.contains("refusing to start"), err)
        XCTAssertEqual(try cli(["query", "--socket", sock, "health"]).0, 0, "the first instance still serves")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
    }

    /// `systemd-analyze security` exposure ≤ 1.0 and `systemd-analyze verify` clean.
    func testSystemdUnitsAreHardenedAndValid() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            throw XCTSkip("systemd-analyze not installed (Debian package systemd; `make test-deps` installs it)")
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let unit = root.appendingPathComponent("systemd/edge-assistant.service").path
        let (_, security) = try run("/usr/bin/systemd-analyze", ["security", "--offline=yes", unit])
        let line = try XCTUnwrap(security.split(separator: "\n").first { $0.contains("Overall exposure level") }, security)
        let score = try XCTUnwrap(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }, String(line))
        XCTAssertLessThanOrEqual(score, 1.0, String(line))

        // verify checks that ExecStart exists: point the copies at the built binary.
        let d = try shortDir()
        let text = try String(contentsOfFile: unit, encoding: .utf8).replacingOccurrences(of: "/usr/local/bin/edge-assistant", with: try binary.path)
        try text.write(toFile: d + "/edge-assistant.service", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: root.appendingPathComponent("systemd/edge-assistant.socket").path, toPath: d + "/edge-assistant.socket")
        let (status, verify) = try run("/usr/bin/systemd-analyze", ["verify", d + "/edge-assistant.service", d + "/edge-assistant.socket"])
        let problems = verify.split(separator: "\n").filter { $0.contains("edge-assistant") }
        XCTAssertTrue(status == 0 && problems.isEmpty, verify)
    }

    /// One GET over the Unix socket with plain POSIX calls; the raw response (empty on failure).
    private func rawGet(_ path: String, _ target: String) -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard ok == 0 else { return "" }
        var tv = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET \(target) HTTP/1.1\r\nConnection: close\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return "" }
        var out: [UInt8] = [], buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func run(_ exe: String, _ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
