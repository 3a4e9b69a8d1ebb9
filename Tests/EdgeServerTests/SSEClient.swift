@testable import EdgeServer
import Foundation

/// A raw Unix-socket client for `GET /v1/voice/events`: reads only when asked, so tests can
/// play a subscriber that stops reading.
final class SSEClient {
    let fd: Int32
    private(set) var text = ""

    init(socket: String, path: String = "/v1/voice/events", receiveTimeoutSeconds: Int = 5) throws {
        fd = try UnixAddress.connectStream(socket)
        var tv = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let request = "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
    }

    deinit { close(fd) }

    /// Reads until `needle` has arrived, the server closes, or the receive timeout passes.
    /// Returns false when the connection ended (EOF or error) before `needle`.
    @discardableResult
    func readUntil(_ needle: String) -> Bool {
        var buf = [UInt8](repeating: 0, count: 65_536)
        while !text.contains(needle) {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { return false }
            text += String(decoding: buf[0..<n], as: UTF8.self)
        }
        return true
    }

    /// Reads everything until the server closes the connection; true if it did (EOF).
    func readToEnd() -> Bool {
        var buf = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(fd, &buf, buf.count)
            if n == 0 { return true }
            if n < 0 { return false }
            text += String(decoding: buf[0..<n], as: UTF8.self)
        }
    }
}
