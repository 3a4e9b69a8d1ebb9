import ArgumentParser
import Foundation

/// `query rank` options.
struct RankQueryOptions: ParsableArguments {
    @Option(help: "rank: the player to find matches for.")
    var player: String?

    @Option(help: "rank: candidate player ids, comma-separated.")
    var candidates: String?

    @Option(help: "rank: return at most this many candidates.")
    var limit: Int?
}

extension QueryCommand {
    /// Largest file `detect`/`recognize` sends (the daemon's body limit decides the rest).
    static let maxUploadBytes = 256 << 20

    /// The request for `detect FILE`, `recognize FILE` and `rank …`, or nil for another word.
    func inferenceRequest() throws -> (String, String, [UInt8])? {
        switch what.first {
        case "detect" where what.count == 2: return ("POST", "/v1/vision/detect", try Self.readUpload(what[1]))
        case "recognize" where what.count == 2: return ("POST", "/v1/speech/recognize", try Self.readUpload(what[1]))
        case "rank" where what.count == 1:
            guard let player = rankOptions.player, let list = rankOptions.candidates else {
                throw ValidationError("rank needs --player ID and --candidates a,b,c")
            }
            var body: [String: Any] = ["player": player, "candidates": list.split(separator: ",").map { String($0) }]
            if let limit = rankOptions.limit { body["limit"] = limit }
            return ("POST", "/v1/match/rank", Array(try JSONSerialization.data(withJSONObject: body)))
        default:
            return nil
        }
    }

    static func readUpload(_ path: String) throws -> [UInt8] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int else {
            throw ValidationError("cannot read \(path)")
        }
        guard size <= maxUploadBytes else { throw ValidationError("\(path) is \(size) bytes; the limit is \(maxUploadBytes)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        return Array(data)
    }
}
