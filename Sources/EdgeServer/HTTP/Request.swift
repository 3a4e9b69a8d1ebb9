import NIOHTTP1

/// One complete HTTP request as route handlers see it: the body is fully received (within the
/// configured limit) and the peer's credentials come from SO_PEERCRED.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// Percent-decoded path without the query string, e.g. `/v1/models/speech/level`.
    public var path: String
    /// Query parameters (later keys win), percent-decoded.
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var peer: PeerCredentials
    /// Values of the route pattern's `{name}` segments.
    public var parameters: [String: String]

    public init(method: HTTPMethod, uri: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
                peer: PeerCredentials = .unknown, parameters: [String: String] = [:]) throws(APIError) {
        self.method = method
        let (path, query) = try URIComponents.split(uri)
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.peer = peer
        self.parameters = parameters
    }

    /// Decodes the body as JSON into `T`; a clear 400 `invalid_json` otherwise.
    public func decodeJSON<T: Decodable>(_ type: T.Type) throws(APIError) -> T {
        guard !body.isEmpty else { throw .invalidJSON("request body is empty; expected a JSON object") }
        do {
            return try JSONCoding.decoder.decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw .invalidJSON("request body is not valid JSON for this route: \(JSONCoding.describe(error))")
        } catch {
            throw .invalidJSON("request body is not valid JSON: \(error)")
        }
    }
}

import Foundation

/// Splits and percent-decodes a request target.
enum URIComponents {
    static func split(_ uri: String) throws(APIError) -> (String, [String: String]) {
        guard uri.hasPrefix("/") else { throw .badRequest("request target must be an absolute path, got '\(uri.prefix(100))'") }
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let path = String(parts[0]).removingPercentEncoding else {
            throw .badRequest("request path has invalid percent-encoding")
        }
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let key = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                      let value = (kv.count == 2 ? String(kv[1]) : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding
                else { throw .badRequest("query string has invalid percent-encoding") }
                query[key] = value
            }
        }
        return (path, query)
    }
}
