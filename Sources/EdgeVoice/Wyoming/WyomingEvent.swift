import EdgeRuntime
import Foundation

extension EdgeError.Code {
    /// Bytes from a Wyoming peer that break the framing or the event contract.
    public static let protocolError = EdgeError.Code(rawValue: "protocol_error")
}

/// One Wyoming event: a type, a JSON object of fields, and an optional binary payload (audio).
///
/// Wire format (github.com/rhasspy/wyoming): one JSON header line
/// `{"type": …, "data": {…}?, "data_length": N?, "payload_length": M?, "version": …}\n`,
/// then N bytes of JSON object merged into `data`, then M payload bytes.
public struct WyomingEvent: Sendable, Equatable {
    public var type: String
    public var data: [String: JSONValue]
    public var payload: [UInt8]

    public init(type: String, data: [String: JSONValue] = [:], payload: [UInt8] = []) {
        self.type = type
        self.data = data
        self.payload = payload
    }

    /// Protocol version written in headers (the `wyoming` package's own).
    public static let version = "1.10.2"

    /// The bytes of this event. Data goes in a separate `data_length` block, as the reference
    /// implementation writes it.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var header: [String: JSONValue] = ["type": .string(type), "version": .string(Self.version)]
        var dataBytes: [UInt8] = []
        if !data.isEmpty, let d = try? encoder.encode(data) {
            dataBytes = Array(d)
            header["data_length"] = .number(Double(dataBytes.count))
        }
        if !payload.isEmpty { header["payload_length"] = .number(Double(payload.count)) }
        // A dictionary of strings and integers always encodes.
        var out = Array((try? encoder.encode(header)) ?? Data("{}".utf8))
        out.append(UInt8(ascii: "\n"))
        out += dataBytes
        out += payload
        return out
    }

    /// The standard `error` event (`text`, `code`).
    public static func error(_ text: String, code: String = EdgeError.Code.protocolError.rawValue) -> WyomingEvent {
        WyomingEvent(type: "error", data: ["text": .string(text), "code": .string(code)])
    }
}
