import EdgeRuntime
import Foundation
import NIOHTTP1

/// The daemon's own routes: health, status, models, level, metrics. Inference routes come
/// from the task modules through the same `Route` type.
public enum CoreRoutes {
    /// `{"status":"ok"}`, encoded once: health checks are the hottest path.
    static let healthBody = Array(#"{"status":"ok"}"#.utf8)

    public static func all(registry: ModelRegistry, metrics: ServerMetrics, sections: [any StatusSection] = [],
                           started: Date = Date()) -> [Route] {
        [
            Route(.GET, "/v1/health", group: .health, .inline { _ in Response(body: healthBody) }),
            Route(.GET, "/v1/status", group: .read, .inline { _ in
                try .json(StatusResponse(registry: registry, sections: sections, started: started))
            }),
            Route(.GET, "/v1/models", group: .read, .inline { _ in try .json(ModelsResponse(registry: registry)) }),
            Route(.PUT, "/v1/models/{name}/level", group: .admin, .inline { request in
                let body = try request.decodeJSON(LevelRequest.self)
                let level: ModelLevel = body.level == "auto" ? .auto : .pinned(body.level)
                let status = try registry.setLevel(request.parameters["name"] ?? "", level, by: request.peer)
                metrics.recordLevels(registry.status(), catalog: registry.catalog)
                return try .json(StatusResponse.Model(status))
            }),
            Route(.GET, "/metrics", group: .metrics, .inline { _ in
                metrics.recordLevels(registry.status(), catalog: registry.catalog)
                return Response(contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.render())
            }),
        ]
    }
}

/// Body of `PUT /v1/models/{name}/level`.
struct LevelRequest: Decodable {
    var level: String
}

/// `GET /v1/status`.
struct StatusResponse: Encodable {
    var status = "ok"
    var uptimeS: Double
    var pid: Int32
    var models: [Model]
    var sections: [String: JSONValue]

    struct Model: Encodable {
        var name: String
        var level: String
        var activeVariant: String
        var reason: String
        var since: String

        init(_ s: ModelRegistry.FamilyStatus) {
            name = s.family
            level = s.level.description
            activeVariant = s.activeVariant
            reason = s.reason
            since = ISO8601DateFormatter().string(from: s.since)
        }

        enum CodingKeys: String, CodingKey {
            case name, level, reason, since, activeVariant = "active_variant"
        }
    }

    init(registry: ModelRegistry, sections: [any StatusSection], started: Date) {
        uptimeS = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
        pid = getpid()
        models = registry.status().map(Model.init)
        self.sections = Dictionary(sections.map { ($0.key, $0.snapshot()) }, uniquingKeysWith: { a, _ in a })
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        try c.encode(status, forKey: DynamicKey("status"))
        try c.encode(uptimeS, forKey: DynamicKey("uptime_s"))
        try c.encode(pid, forKey: DynamicKey("pid"))
        try c.encode(models, forKey: DynamicKey("models"))
        // Plugged-in sections (e.g. "governor") sit beside the server's own keys.
        for (key, value) in sections { try c.encode(value, forKey: DynamicKey(key)) }
    }
}

/// `GET /v1/models`: every family with its card figures and which variant is active.
struct ModelsResponse: Encodable {
    var models: [Family]

    struct Family: Encodable {
        var name: String
        var task: String
        var metric: String
        var labels: [String]
        var level: String
        var activeVariant: String
        var variants: [ModelCard.Variant]

        enum CodingKeys: String, CodingKey {
            case name, task, metric, labels, level, variants, activeVariant = "active_variant"
        }
    }

    init(registry: ModelRegistry) {
        let catalog = registry.catalog
        models = registry.status().compactMap { s in
            guard let f = catalog.families[s.family] else { return nil }
            return Family(name: f.name, task: f.card.task, metric: f.card.metric, labels: f.card.labels,
                          level: s.level.description, activeVariant: s.activeVariant, variants: f.card.variants)
        }
    }
}

struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
