import EdgeRuntime
import Foundation

/// Incremental Wyoming frame parser for untrusted bytes: feed whatever the socket returned,
/// take complete events out.
///
/// Limits bound memory per connection: a header line longer than `maxHeaderBytes` without a
/// newline, a `data_length` or `payload_length` that is negative, not an integer or over its
/// cap, a header that is not a JSON object with a string `type`, JSON nested deeper than
/// `maxDepth` or invalid data JSON are all `protocol_error` / `too_large`. After an error the
/// stream's framing is lost; the caller reports it and closes the connection.
public struct WyomingDecoder: Sendable {
    /// Caps on what one event may hold.
    public struct Limits: Sendable {
        public var maxHeaderBytes = 64 * 1024
        public var maxDataBytes = 64 * 1024
        public var maxPayloadBytes = 1 << 20
        public var maxDepth = 32
        public init() {}
    }

    public let limits: Limits
    private var buffer: [UInt8] = []
    private var start = 0
    private var pending: Header?

    private struct Header {
        var type: String
        var data: [String: JSONValue]
        var dataLength: Int
        var payloadLength: Int
    }

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Bytes received but not yet consumed.
    public var buffered: Int { buffer.count - start }

    /// Appends received bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// The next complete event, nil when more bytes are needed.
    public mutating func next() throws(EdgeError) -> WyomingEvent? {
        if pending == nil {
            guard let nl = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                if buffered > limits.maxHeaderBytes {
                    throw EdgeError(.tooLarge, "Wyoming header line exceeds \(limits.maxHeaderBytes) bytes")
                }
                return nil
            }
            guard nl - start <= limits.maxHeaderBytes else {
                throw EdgeError(.tooLarge, "Wyoming header line exceeds \(limits.maxHeaderBytes) bytes")
            }
            let line = buffer[start..<nl]
            start = nl + 1
            pending = try parseHeader(line)
        }
        guard let h = pending, buffered >= h.dataLength + h.payloadLength else { return nil }
        var data = h.data
        if h.dataLength > 0 {
            let extra = try parseObject(buffer[start..<(start + h.dataLength)], what: "data")
            data.merge(extra) { _, new in new }
        }
        let p0 = start + h.dataLength
        let payload = Array(buffer[p0..<(p0 + h.payloadLength)])
        start = p0 + h.payloadLength
        pending = nil
        return WyomingEvent(type: h.type, data: data, payload: payload)
    }

    private func parseHeader(_ line: ArraySlice<UInt8>) throws(EdgeError) -> Header {
        let obj = try parseObject(line, what: "header")
        guard case .string(let type)? = obj["type"], !type.isEmpty, type.utf8.count <= 256 else {
            throw EdgeError(.protocolError, "Wyoming header has no string 'type'")
        }
        var data: [String: JSONValue] = [:]
        switch obj["data"] {
        case nil, .null?: break
        case .object(let o)?: data = o
        default: throw EdgeError(.protocolError, "Wyoming header 'data' must be an object")
        }
        let dataLength = try length(obj["data_length"], "data_length", cap: limits.maxDataBytes)
        let payloadLength = try length(obj["payload_length"], "payload_length", cap: limits.maxPayloadBytes)
        return Header(type: type, data: data, dataLength: dataLength, payloadLength: payloadLength)
    }

    private func length(_ v: JSONValue?, _ name: String, cap: Int) throws(EdgeError) -> Int {
        guard let v, v != .null else { return 0 }
        guard let n = v.intValue, n >= 0 else { throw EdgeError(.protocolError, "Wyoming '\(name)' must be a non-negative integer") }
        guard n <= cap else { throw EdgeError(.tooLarge, "Wyoming '\(name)' \(n) exceeds the limit of \(cap) bytes") }
        return n
    }

    private func parseObject(_ bytes: ArraySlice<UInt8>, what: String) throws(EdgeError) -> [String: JSONValue] {
        guard JSONValue.nestingDepth(bytes) <= limits.maxDepth else {
            throw EdgeError(.protocolError, "Wyoming \(what) JSON nests deeper than \(limits.maxDepth) levels")
        }
        do {
            return try JSONDecoder().decode([String: JSONValue].self, from: Data(bytes))
        } catch {
            throw EdgeError(.protocolError, "Wyoming \(what) is not a JSON object")
        }
    }
}
