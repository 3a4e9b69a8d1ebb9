import EdgeRuntime
import NIOHTTP1

/// Where a route's handler runs.
public enum RouteHandler: Sendable {
    /// On the connection's event loop: for cheap work only (status, metrics) — it must never block.
    case inline(@Sendable (Request) throws -> Response)
    /// On the inference worker pool through the bounded queue (503 + Retry-After when full).
    case offloaded(@Sendable (Request) throws -> Response)
    /// On the event loop, returning a streaming body (Server-Sent Events) that a task produces;
    /// the connection closes when it ends. The function itself must be cheap.
    case stream(@Sendable (Request) throws -> StreamingResponse)
}

/// One endpoint: method, path pattern (`/v1/models/{name}/level`), access group, handler.
public struct Route: Sendable {
    public var method: HTTPMethod
    public var pattern: String
    public var group: RouteGroup
    public var handler: RouteHandler
    let segments: [Segment]

    enum Segment: Equatable, Sendable {
        case literal(String)
        case parameter(String)
    }

    public init(_ method: HTTPMethod, _ pattern: String, group: RouteGroup, _ handler: RouteHandler) {
        self.method = method
        self.pattern = pattern
        self.group = group
        self.handler = handler
        self.segments = pattern.split(separator: "/").map { s in
            s.hasPrefix("{") && s.hasSuffix("}") ? .parameter(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
    }

    /// The path parameters if `path` matches this pattern.
    func match(_ parts: [Substring]) -> [String: String]? {
        guard parts.count == segments.count else { return nil }
        var params: [String: String] = [:]
        for (part, segment) in zip(parts, segments) {
            switch segment {
            case .literal(let s): if part != s { return nil }
            case .parameter(let name): params[name] = String(part)
            }
        }
        return params
    }
}

/// Finds the route for a request: 404 for an unknown path, 405 (with `Allow`) for a known path
/// and a wrong method.
public struct Router: Sendable {
    public private(set) var routes: [Route] = []

    public init(_ routes: [Route] = []) {
        for r in routes { add(r) }
    }

    /// Adds a route. Registering the same method and pattern twice is a programmer error.
    public mutating func add(_ route: Route) {
        precondition(!routes.contains { $0.method == route.method && $0.segments == route.segments },
                     "route \(route.method) \(route.pattern) registered twice")
        routes.append(route)
    }

    public func resolve(method: HTTPMethod, path: String) throws(APIError) -> (Route, [String: String]) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        var allowed: [HTTPMethod] = []
        for route in routes {
            guard let params = route.match(parts) else { continue }
            if route.method == method { return (route, params) }
            // HEAD is answered like GET without a body by the handler.
            if method == .HEAD && route.method == .GET { return (route, params) }
            allowed.append(route.method)
        }
        if !allowed.isEmpty { throw .methodNotAllowed(allowed) }
        throw .notFound("no route for \(method.rawValue) \(path.prefix(200))")
    }
}

extension APIError {
    /// Maps what a handler threw to the client-facing error: `APIError` as is, engine input errors
    /// to 400/413, anything else to 500 (logged by the caller).
    public static func from(_ error: any Error) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as EdgeError:
            switch e.code {
            case .invalidInput: return APIError(.badRequest, "invalid_input", e.message)
            case .tooLarge: return APIError(.payloadTooLarge, "too_large", e.message)
            default: return APIError(.internalServerError, e.code.rawValue, e.message)
            }
        default: return .internal("\(error)")
        }
    }
}
