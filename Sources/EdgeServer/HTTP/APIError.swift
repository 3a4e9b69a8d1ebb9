import NIOHTTP1

/// An error answered to a client: an HTTP status plus the JSON body
/// `{"error":{"code":"…","message":"…"}}`. `code` is a stable machine-readable string;
/// `message` says what was wrong and, where it helps, what to do.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPResponseStatus
    public var code: String
    public var message: String
    /// Extra response headers (e.g. `Retry-After` on 503).
    public var headers: [(String, String)]

    public init(_ status: HTTPResponseStatus, _ code: String, _ message: String, headers: [(String, String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public static func == (a: APIError, b: APIError) -> Bool {
        a.status == b.status && a.code == b.code && a.message == b.message
    }

    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad_request", message) }
    public static func invalidJSON(_ message: String) -> APIError { APIError(.badRequest, "invalid_json", message) }
    public static func notFound(_ message: String) -> APIError { APIError(.notFound, "not_found", message) }
    public static func forbidden(_ message: String) -> APIError { APIError(.forbidden, "forbidden", message) }
    public static func methodNotAllowed(_ allowed: [HTTPMethod]) -> APIError {
        APIError(.methodNotAllowed, "method_not_allowed", "allowed methods: \(allowed.map(\.rawValue).joined(separator: ", "))",
                 headers: [("Allow", allowed.map(\.rawValue).joined(separator: ", "))])
    }
    public static func payloadTooLarge(limit: Int) -> APIError {
        APIError(.payloadTooLarge, "payload_too_large", "request body exceeds the limit of \(limit) bytes")
    }
    public static func overloaded(retryAfterSeconds: Int) -> APIError {
        APIError(.serviceUnavailable, "overloaded", "inference queue is full; retry after \(retryAfterSeconds) s",
                 headers: [("Retry-After", "\(retryAfterSeconds)")])
    }
    public static func unavailable(_ message: String) -> APIError { APIError(.serviceUnavailable, "unavailable", message) }
    public static func `internal`(_ message: String) -> APIError { APIError(.internalServerError, "internal", message) }

    /// The JSON body, built by hand so error paths never depend on an encoder.
    public var body: String {
        "{\"error\":{\"code\":\(JSONText.quote(code)),\"message\":\(JSONText.quote(message))}}"
    }
}

/// Minimal JSON string quoting (RFC 8259 §7).
public enum JSONText {
    public static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
