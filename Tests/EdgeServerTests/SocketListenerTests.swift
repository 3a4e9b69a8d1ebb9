@testable import EdgeServer
import Foundation
import XCTest

final class SocketListenerTests: XCTestCase {
    func testCreatesSocketWithMode0660WhateverTheUmask() throws {
        let tmp = try TempDir()
        let old = umask(0)
        defer { umask(old) }
        let path = tmp.path("sub/d.sock")
        let listener = try SocketListener(path: path)
        defer { close(listener.fd); listener.removeFiles() }
        var st = stat()
        XCTAssertEqual(lstat(path, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFSOCK)
        XCTAssertEqual(st.st_mode & 0o777, 0o660)
        XCTAssertEqual(stat(tmp.path("sub"), &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o750, "a missing parent is created private")
        // A second instance is refused by the lock, and the socket is untouched.
        XCTAssertThrowsError(try SocketListener(path: path)) { XCTAssertTrue("\($0)".contains("refusing to start"), "\($0)") }
        XCTAssertEqual(lstat(path, &st), 0)
    }

    func testStaleSocketIsReplacedLiveOneIsNot() throws {
        let tmp = try TempDir()
        let path = tmp.path("s.sock")
        // A stale socket: bound, then the process "died" (closed without unlinking).
        let stale = try SocketListener.bindListening(path, mode: 0o600, backlog: 1)
        close(stale)
        let listener = try SocketListener(path: path)
        close(listener.fd)
        listener.removeFiles()

        // A live socket owned by someone else (no lock file of ours) answers connect: refuse.
        let live = try SocketListener.bindListening(path, mode: 0o600, backlog: 1)
        defer { close(live); unlink(path) }
        XCTAssertThrowsError(try SocketListener(path: path)) {
            XCTAssertTrue("\($0)".contains("another process is serving"), "\($0)")
        }
    }

    func testRefusesToReplaceFilesAndUnsafeDirectories() throws {
        let tmp = try TempDir()
        let file = tmp.path("plain")
        try "data".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SocketListener(path: file)) { XCTAssertTrue("\($0)".contains("not a socket")) }
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "data")

        let open = tmp.path("open")
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true)
        chmod(open, 0o777)
        XCTAssertThrowsError(try SocketListener(path: open + "/x.sock")) { XCTAssertTrue("\($0)".contains("world-writable")) }
        chmod(open, 0o1777)
        let sticky = try SocketListener(path: open + "/x.sock")
        close(sticky.fd)
        sticky.removeFiles()

        XCTAssertThrowsError(try SocketListener(path: file + "/x.sock")) { XCTAssertTrue("\($0)".contains("not a directory"), "\($0)") }
        XCTAssertThrowsError(try SocketListener(path: tmp.path(String(repeating: "n", count: 120)))) {
            XCTAssertTrue("\($0)".contains("1…107 bytes"), "\($0)")
        }
    }
}
