import EdgeAudio
import Foundation
import XCTest
@testable import EdgeVoice

/// The Wyoming server against the reference client (`pip install wyoming`) and raw sockets.
final class WyomingServerTests: XCTestCase {
    var dir = ""
    var server: WyomingServer!

    override func setUpWithError() throws {
        dir = try TestAudio.temporaryDirectory()
        let model = try EnergyKeyedModel.model()
        server = WyomingServer(path: "\(dir)/wyoming.sock", maxConnections: 2, timeoutSeconds: 5) {
            WyomingSession(provider: FixedSpeechModel(model))
        }
        try server.start()
    }

    override func tearDown() {
        server?.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    static let clientScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("wyoming/wyoming_client.py").path

    /// Runs the Python client; its stdout lines as JSON objects.
    func runClient(_ args: [String]) throws -> [[String: Any]] {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import wyoming"]
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else { throw XCTSkip("python3 package 'wyoming' is not installed (make test-deps)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.clientScript] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, errText)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func testReferenceClientDescribeAndDetection() throws {
        let (audio, _) = TestAudio.sequence([TestAudio.voiced(ms: 400), TestAudio.voiced(ms: 500)])
        let wav = "\(dir)/in.wav"
        try WAVEncoder.write(try AudioClip(mono: audio, sampleRate: 16_000), to: wav)
        let lines = try runClient([server.path, wav])
        XCTAssertEqual(lines.map { $0["type"] as? String }, ["info", "detection", "detection", "transcript"])
        let wake = try XCTUnwrap((lines[0]["wake"] as? [[String: Any]])?.first)
        XCTAssertEqual(wake["name"] as? String, WyomingSession.programName)
        XCTAssertEqual((wake["models"] as? [String])?.count, 10)
        XCTAssertEqual(lines[1]["name"] as? String, "yes")
        XCTAssertEqual(lines[3]["text"] as? String, "yes yes")
    }

    func testReferenceClientWithResampledStereoAudio() throws {
        let (audio, _) = TestAudio.sequence([TestAudio.voiced(ms: 500)])
        let up = try AudioClip(mono: audio, sampleRate: 16_000).monoResampled(to: 22_050).samples
        let wav = "\(dir)/stereo.wav"
        try WAVEncoder.write(try AudioClip(sampleRate: 22_050, channels: 2, samples: up.flatMap { [$0, $0] }), to: wav)
        XCTAssertEqual(try runClient([server.path, wav]).map { $0["type"] as? String }, ["info", "detection", "transcript"])
    }

    /// Connects a raw socket client.
    func connect() throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in server.path.utf8.enumerated() { p[i] = b } }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(rc, 0)
        UnixSocket.setTimeouts(fd, seconds: 5)
        return fd
    }

    /// Reads until EOF (or timeout) and decodes.
    func readEvents(_ fd: Int32) throws -> [WyomingEvent] {
        var d = WyomingDecoder()
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            d.append(Array(buf[0..<n]))
        }
        var out: [WyomingEvent] = []
        while let e = try d.next() { out.append(e) }
        return out
    }

    func testGarbageGetsAnErrorEventAndTheServerKeepsServing() throws {
        for garbage in ["this is not json\n", "{\"type\":\"x\",\"payload_length\":-4}\n", String(repeating: "x", count: 70_000)] {
            let fd = try connect()
            XCTAssertTrue(UnixSocket.writeAll(fd, Array(garbage.utf8)))
            let replies = try readEvents(fd)
            close(fd)
            XCTAssertEqual(replies.map(\.type), ["error"], garbage.prefix(30) + "")
        }
        let fd = try connect()
        XCTAssertTrue(UnixSocket.writeAll(fd, WyomingEvent(type: "describe").encoded()))
        shutdown(fd, Int32(SHUT_WR))
        XCTAssertEqual(try readEvents(fd).map(\.type), ["info"])
        close(fd)
    }

    func testConnectionLimitAndCleanStop() throws {
        let a = try connect(), b = try connect()
        // Both are being served; a third is refused with an error event.
        let deadline = Date(timeIntervalSinceNow: 5)
        while server.connectionCount < 2 && Date() < deadline { usleep(2_000) }
        let c = try connect()
        XCTAssertEqual(try readEvents(c).first?.data["code"], .string("busy"))
        close(c)
        server.stop()   // ends the open connections and joins their threads
        XCTAssertEqual(server.connectionCount, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: server.path))
        close(a); close(b)
    }
}
