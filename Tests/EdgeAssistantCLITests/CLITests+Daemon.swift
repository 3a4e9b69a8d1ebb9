import EdgeTestSupport
import Foundation
import XCTest

/// `serve` with the daemon's wiring as a process: contract-shaped families, the governor over a
/// fake sysfs/procfs, state.sqlite, and `query detect|recognize|rank`.
extension CLITests {
    func testServeWiresInferenceGovernorAndStateAndQueryInferenceCommands() throws {
        let d = try shortDir()
        try ContractModels.writeAll(in: d + "/models", rankWeights: [Float](repeating: 0.1, count: 15), categorical: 8)
        for root in ["sys", "proc"] { try FileManager.default.createDirectory(atPath: "\(d)/\(root)", withIntermediateDirectories: true) }
        let sock = d + "/run/d.sock"
        let (p, err) = try launch(try binary.path, ["serve", "--socket", sock, "--models", d + "/models", "--state-dir", d + "/var",
                                                    "--sysfs-root", d + "/sys", "--procfs-root", d + "/proc"])
        guard try waitHealthy(sock) else {
            p.terminate()
            return XCTFail("daemon did not come up: \(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: d + "/var/state.sqlite"))

        let (statusCode, status, _) = try cli(["query", "--socket", sock, "status"])
        XCTAssertEqual(statusCode, 0)
        XCTAssertTrue(status.contains("\"governor\""), status)
        XCTAssertTrue(status.contains("\"enabled\":true"), status)

        // A file that is no image: the daemon answers 400 and query exits 1.
        let junk = d + "/junk.png"
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: junk))
        let (detectCode, detect, _) = try cli(["query", "--socket", sock, "detect", junk])
        XCTAssertEqual(detectCode, 1)
        XCTAssertTrue(detect.contains("invalid_image"), detect)

        // One second of raw s16le silence: 200 with the answer's shape.
        let raw = d + "/silence.raw"
        try Data(count: 32_000).write(to: URL(fileURLWithPath: raw))
        let (recognizeCode, recognize, _) = try cli(["query", "--socket", sock, "recognize", raw])
        XCTAssertEqual(recognizeCode, 0, recognize)
        XCTAssertTrue(recognize.contains("\"commands\":[]") && recognize.contains("speech-commands"), recognize)

        let (rankCode, rank, _) = try cli(["query", "--socket", sock, "rank", "--player", "ann", "--candidates", "bob,cy", "--limit", "1"])
        XCTAssertEqual(rankCode, 1)
        XCTAssertTrue(rank.contains("unknown_player"), rank)
        XCTAssertNotEqual(try cli(["query", "--socket", sock, "rank", "--player", "ann"]).0, 0, "--candidates is required")

        p.terminate()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }
}

extension CLITests {
    /// `serve --mic` with an asoundrc whose default capture PCM reads a raw file (ALSA `file`
    /// plugin): the listener runs on the speech family and shows in `/v1/status`; an open SSE
    /// stream does not hold up SIGTERM.
    func testServeMicStartsTheListenerAndSIGTERMEndsVoiceStreams() throws {
        let d = try shortDir()
        try ContractModels.writeFamily(in: d + "/models", family: "speech-commands", task: "speech", metric: "accuracy",
                                       labels: ContractModels.speechLabels, graph: ContractModels.speechGraph)
        try Data(count: 64_000).write(to: URL(fileURLWithPath: d + "/silence.raw"))
        let asoundrc = """
        pcm.sink { type null }
        pcm.filemic { type file slave.pcm "sink" file "/dev/null" infile "\(d)/silence.raw" format "raw" }
        pcm.!default { type plug slave.pcm "filemic" }
        """
        try asoundrc.write(toFile: d + "/asoundrc", atomically: true, encoding: .utf8)
        let config = d + "/config.yaml"
        try "limits:\n  drain_timeout_ms: 20000\n".write(toFile: config, atomically: true, encoding: .utf8)
        let sock = d + "/run/d.sock"
        let (p, _) = try launch(try binary.path, ["serve", "--socket", sock, "--models", d + "/models", "--state-dir", d + "/var",
                                                  "--config", config, "--sysfs-root", d, "--procfs-root", d, "--mic"],
                                env: ["ALSA_CONFIG_PATH": d + "/asoundrc"])
        XCTAssertTrue(try waitHealthy(sock))
        let (_, status, _) = try cli(["query", "--socket", sock, "status"])
        XCTAssertTrue(status.contains("\"listening\":true"), status)
        XCTAssertTrue(status.contains("\"device\":\"default\""), status)

        // An SSE subscriber, then SIGTERM: the stream ends with an error event and the daemon
        // exits long before the 20 s drain timeout.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(sock.utf8)) }
        let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        XCTAssertEqual(connected, 0)
        _ = "GET /v1/voice/events HTTP/1.1\r\nHost: x\r\n\r\n".withCString { write(fd, $0, strlen($0)) }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var text = ""
        var buf = [UInt8](repeating: 0, count: 4096)
        while !text.contains("subscribed") {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            text += String(decoding: buf[0..<n], as: UTF8.self)
        }
        XCTAssertTrue(text.contains("text/event-stream"), text)
        let start = Date()
        p.terminate()
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            text += String(decoding: buf[0..<n], as: UTF8.self)
        }
        p.waitUntilExit()
        XCTAssertTrue(text.contains("event: error"), text)
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }
}
