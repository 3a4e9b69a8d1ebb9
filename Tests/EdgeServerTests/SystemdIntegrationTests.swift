@testable import EdgeServer
import Foundation
import Logging
import XCTest

final class SystemdIntegrationTests: XCTestCase {
    func testListenEnvironmentParsing() throws {
        let pid: Int32 = 77
        XCTAssertNil(try SocketActivation.parse([:], pid: pid))
        XCTAssertNil(try SocketActivation.parse(["LISTEN_FDS": "1", "LISTEN_PID": "78"], pid: pid), "meant for another process")
        XCTAssertEqual(try SocketActivation.parse(["LISTEN_FDS": "2", "LISTEN_PID": "77", "LISTEN_FDNAMES": "api:other"], pid: pid),
                       [.init(fd: 3, name: "api"), .init(fd: 4, name: "other")])
        XCTAssertEqual(try SocketActivation.parse(["LISTEN_FDS": "1", "LISTEN_PID": "77"], pid: pid), [.init(fd: 3, name: "unknown")])
        for bad in [["LISTEN_FDS": "1"], ["LISTEN_FDS": "x", "LISTEN_PID": "77"], ["LISTEN_FDS": "999", "LISTEN_PID": "77"],
                    ["LISTEN_FDS": "2", "LISTEN_PID": "77", "LISTEN_FDNAMES": "one"]] {
            XCTAssertThrowsError(try SocketActivation.parse(bad, pid: pid), "\(bad)")
        }
    }

    func testPassedDescriptorMustBeAListeningUnixStreamSocket() throws {
        let tmp = try TempDir()
        let fd = try SocketListener.bindListening(tmp.path("a.sock"), mode: 0o600, backlog: 1)
        defer { close(fd) }
        XCTAssertNoThrow(try SocketActivation.validate(fd))
        let file = open(tmp.path("a.sock.lockless"), O_CREAT | O_RDWR, 0o600)
        defer { close(file) }
        XCTAssertThrowsError(try SocketActivation.validate(file)) { XCTAssertTrue("\($0)".contains("not a socket")) }
        let dgram = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(dgram) }
        XCTAssertThrowsError(try SocketActivation.validate(dgram)) { XCTAssertTrue("\($0)".contains("not a stream socket")) }
        XCTAssertThrowsError(try SocketActivation.validate(9999))
    }

    /// Binds a datagram socket like systemd's notify socket and returns what arrives.
    func receive(on path: String, _ body: () -> Void) throws -> [String] {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        try UnixAddress.with(path) { addr, len in XCTAssertEqual(bind(fd, addr, len), 0) }
        var tv = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        body()
        var messages: [String] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buf, buf.count, Int32(MSG_DONTWAIT))
            if n <= 0 { break }
            messages.append(String(decoding: buf[0..<n], as: UTF8.self))
        }
        return messages
    }

    func testNotifyReachesPathAndAbstractSockets() throws {
        let tmp = try TempDir()
        for path in [tmp.path("notify"), "@edge-test-\(UUID().uuidString.prefix(8))"] {
            let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"], pid: 5)
            XCTAssertEqual(notifier.watchdogInterval, .seconds(2))
            let got = try receive(on: path) {
                notifier.ready(status: "serving")
                notifier.watchdog()
                notifier.stopping()
            }
            XCTAssertEqual(got, ["READY=1\nSTATUS=serving", "WATCHDOG=1", "STOPPING=1\nSTATUS=draining in-flight requests"], path)
        }
        XCTAssertFalse(SystemdNotifier(environment: [:]).notify("READY=1"))
        XCTAssertFalse(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative"]).isEnabled)
        XCTAssertNil(SystemdNotifier(environment: ["WATCHDOG_USEC": "100", "WATCHDOG_PID": "1"], pid: 2).watchdogInterval)
    }

    func testJournalLinesHaveOneEventALevelAndNoTimestamp() {
        let line = JournalLogHandler.format(level: .warning, message: "two\nlines", metadata: ["b": "x y", "a": "1"], syslogPrefix: true)
        XCTAssertEqual(line, "<4>WARNING two\\nlines a=1 b=\"x y\"\n")
        XCTAssertEqual(JournalLogHandler.format(level: .info, message: "m", metadata: [:], syslogPrefix: false), "INFO m\n")
        XCTAssertFalse(JournalLogHandler.stderrIsJournal(["JOURNAL_STREAM": "1:2"]))
        XCTAssertFalse(JournalLogHandler.stderrIsJournal(["JOURNAL_STREAM": "junk"]))
    }
}
