import Foundation

/// A minimal blocking HTTP/1.1 client over a Unix socket, for `edge-assistant query` and tests.
/// One request per connection (`Connection: close`); responses are read to EOF.
public struct UnixHTTPClient: Sendable {
    public var socketPath: String
    /// Send and receive timeout.
    public var timeout: Duration

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Largest response accepted (metrics of a big ladder stay far below).
    public static let maxResponseBytes = 64 << 20

    public init(socketPath: String, timeout: Duration = .seconds(30)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// Sends one request and returns the response. Throws `SocketError` when the daemon is not
    /// reachable or the answer is not HTTP.
    public func send(_ method: String, _ path: String, body: [UInt8] = [], contentType: String = "application/json") throws -> Response {
        let fd = try UnixAddress.connectStream(socketPath)
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        if !body.isEmpty || method == "PUT" || method == "POST" {
            head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        }
        try writeAll(fd, Array((head + "\r\n").utf8) + body)
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw SocketError.errno("reading the response from \(socketPath)", errno)
            }
            data.append(contentsOf: buffer[0..<n])
            guard data.count <= Self.maxResponseBytes else { throw SocketError("response larger than \(Self.maxResponseBytes) bytes") }
        }
        return try Self.parse(data)
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SocketError.errno("sending the request to \(socketPath)", errno)
            }
            offset += n
        }
    }

    /// Parses a complete HTTP/1.1 response (status line, headers, body by Content-Length or to EOF).
    static func parse(_ data: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = data.indices.first(where: { data[$0...].starts(with: separator) }) else {
            throw SocketError("incomplete HTTP response (\(data.count) bytes)")
        }
        let lines = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw SocketError("not an HTTP response: '\(lines[0].prefix(80))'")
        }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(data[(end + 4)...])
        if let length = headers.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }) {
            guard body.count >= length else { throw SocketError("truncated HTTP response body") }
            body = Array(body.prefix(length))
        }
        return Response(status: status, headers: headers, body: body)
    }
}
