import Foundation
import NIOHTTP1

/// A response produced by a route handler.
public struct Response: Sendable {
    public var status: HTTPResponseStatus
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// The model variant that produced this answer (set by inference routes); not sent to the
    /// client, it keys the event log's request summaries.
    public var served: ServedModel?

    public init(status: HTTPResponseStatus = .ok, contentType: String = "application/json",
                headers: [(String, String)] = [], body: [UInt8]) {
        self.status = status
        self.headers = [("Content-Type", contentType)] + headers
        self.body = body
    }

    /// A JSON response from an `Encodable` value (snake_case keys come from the type's CodingKeys).
    public static func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) throws -> Response {
        Response(status: status, body: Array(try JSONCoding.encoder.encode(value)))
    }

    /// The JSON error response for `error`.
    public static func error(_ error: APIError) -> Response {
        Response(status: error.status, headers: error.headers, body: Array(error.body.utf8))
    }
}

/// A family and the variant of it that answered a request.
public struct ServedModel: Sendable, Equatable, Hashable {
    public var model: String
    public var variant: String
    public init(model: String, variant: String) {
        self.model = model
        self.variant = variant
    }
}

/// Shared JSON coders: sorted keys so outputs are stable for clients and tests.
public enum JSONCoding {
    public static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static var decoder: JSONDecoder { JSONDecoder() }

    /// A one-line, client-facing account of a decoding failure.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            let p = ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "top level" : "'\(p)'"
        }
        switch error {
        case .keyNotFound(let key, let ctx): return "missing key '\(key.stringValue)' at \(path(ctx))"
        case .typeMismatch(_, let ctx): return "wrong type at \(path(ctx)): \(ctx.debugDescription)"
        case .valueNotFound(_, let ctx): return "null value at \(path(ctx))"
        case .dataCorrupted(let ctx): return "malformed JSON at \(path(ctx)): \(ctx.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
