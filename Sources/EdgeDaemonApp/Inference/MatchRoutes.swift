import EdgeMatch
import EdgeRuntime
import EdgeServer
import EdgeStore
import Foundation
import GRDB

/// Game matching: `POST /v1/match/rank` scores candidates for a player with the ranker family's
/// active variant; `PUT /v1/match/players/{id}` and `POST /v1/match/results` keep the player
/// store (in state.sqlite) current. Store calls block a worker thread, never an event loop.
enum MatchRoutes {
    /// Most candidates one rank request may carry.
    static let maxCandidates = 1000

    struct RankRequest: Decodable {
        var player: String
        var candidates: [String]
        var limit: Int?
        // Per-request constraints (docs/GOVERNOR.md).
        var maxLatencyMs: Double?
        var minAccuracy: Double?
        var quality: String?

        enum CodingKeys: String, CodingKey {
            case player, candidates, limit, quality
            case maxLatencyMs = "max_latency_ms", minAccuracy = "min_accuracy"
        }
    }

    static func routes(_ services: InferenceServices, store: StateStore) -> [Route] {
        [
            Route(.POST, "/v1/match/rank", group: .inference, .offloaded { request in
                try Response.inference(try rank(try request.decodeJSON(RankRequest.self), services: services, store: store))
            }),
            Route(.PUT, "/v1/match/players/{id}", group: .inference, .offloaded { request in
                let player = try decodePlayer(request)
                let stored = try storeCall { try store.pool.write { db in try PlayerStore.upsert(player, in: db) } }
                return try Response.json(stored)
            }),
            Route(.POST, "/v1/match/results", group: .inference, .offloaded { request in
                let result = try request.decodeJSON(MatchResult.self)
                let outcome = try storeCall { try store.pool.write { db in try PlayerStore.record(result, in: db) } }
                return try Response.json(["match_id": result.matchID, "outcome": outcome == .recorded ? "recorded" : "duplicate"],
                                         status: outcome == .recorded ? .created : .ok)
            }),
        ]
    }

    static func rank(_ req: RankRequest, services: InferenceServices, store: StateStore) throws -> RankResponse {
        let constraints = try ConstraintParameters.make(maxLatencyMs: req.maxLatencyMs, minAccuracy: req.minAccuracy, quality: req.quality)
        guard !req.candidates.isEmpty, req.candidates.count <= maxCandidates else {
            throw APIError.badRequest("'candidates' must list 1…\(maxCandidates) player ids, got \(req.candidates.count)")
        }
        if let limit = req.limit, limit < 1 { throw APIError.badRequest("'limit' must be ≥ 1, got \(limit)") }
        for id in [req.player] + req.candidates {
            do { try Player.validateID(id) } catch { throw APIError.badRequest(error.message) }
        }
        let ids = Array(Set([req.player] + req.candidates))
        let known = try storeCall { try store.pool.read { db in try PlayerStore.players(ids: ids, in: db) } }
        let missing = ids.filter { known[$0] == nil }.sorted()
        guard missing.isEmpty, let player = known[req.player] else {
            throw APIError(.notFound, "unknown_player", "unknown player(s): \(missing.prefix(10).joined(separator: ", ")); register them with PUT /v1/match/players/{id}")
        }
        let candidates = req.candidates.map { known[$0]! }
        return try services.withVariant(task: "recommendation", constraints: constraints) { lease in
            let (family, variant) = (lease.family, lease.variant)
            let clock = ContinuousClock()
            let start = clock.now
            let (features, categorical) = try MatchFeatures.tensors(player: player, candidates: candidates)
            let outputs = try variant.session.run(["features": features, "categorical": categorical])
            guard let score = outputs["score"], score.dtype == .float32, score.count == candidates.count else {
                throw APIError.internal("ranker '\(family.name)/\(variant.name)' must output 'score' float [N, 1]")
            }
            let values = score.rawPointer.assumingMemoryBound(to: Float.self)
            var ranked = candidates.indices.map { RankResponse.Ranked(id: candidates[$0].id, score: Double(values[$0])) }
            // Stable order for equal scores: the request's order.
            ranked = ranked.enumerated().sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }.map(\.element)
            return RankResponse(player: player.id, ranked: Array(ranked.prefix(req.limit ?? ranked.count)),
                                model: lease.model, latencyMs: (clock.now - start).milliseconds)
        }
    }

    /// The body as a player whose id is the path's; a differing `id` in the body is refused.
    static func decodePlayer(_ request: Request) throws -> Player {
        let id = request.parameters["id"] ?? ""
        do { try Player.validateID(id) } catch { throw APIError.badRequest(error.message) }
        guard !request.body.isEmpty,
              var object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] else {
            throw APIError.invalidJSON("request body must be a JSON object with the player's fields (docs/API.md)")
        }
        if let bodyID = object["id"], bodyID as? String != id {
            throw APIError.badRequest("body id does not match the path id '\(id)'")
        }
        object["id"] = id
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            let player = try JSONCoding.decoder.decode(Player.self, from: data)
            try player.validate()
            return player
        } catch let e as EdgeError {
            throw APIError.badRequest(e.message)
        } catch let e as DecodingError {
            throw APIError.invalidJSON("player: \(JSONCoding.describe(e))")
        }
    }

    /// Runs a store call, mapping the store's errors to client answers.
    static func storeCall<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as EdgeError {
            switch e.code {
            case .unknownPlayer: throw APIError(.notFound, "unknown_player", e.message)
            case .matchConflict: throw APIError(.conflict, "match_conflict", e.message)
            case .invalidInput: throw APIError.badRequest(e.message)
            default: throw APIError.internal(e.message)
            }
        } catch let e as DatabaseError {
            throw APIError.internal("state database: \(e.message ?? "\(e.resultCode)")")
        }
    }
}

struct RankResponse: InferenceAnswer {
    struct Ranked: Encodable {
        var id: String
        var score: Double
    }
    var player: String
    var ranked: [Ranked]
    var model: ModelRef
    var latencyMs: Double

    enum CodingKeys: String, CodingKey {
        case player, ranked, model
        case latencyMs = "latency_ms"
    }
}
