import ArgumentParser
import EdgeServer
import Foundation

/// `edge-assistant query …`: asks the running daemon over its socket and prints the JSON answer.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Query the running daemon and print its JSON answer.",
        discussion: """
        WHAT is one of: health, status, models, level MODEL auto|VARIANT, detect IMAGE (JPEG/PNG),
        recognize AUDIO (WAV or raw s16le 16 kHz mono), rank --player ID --candidates a,b,c [--limit K].
        Exit status: 0 on a 2xx answer, 1 when the daemon answered with an error, 2 when it
        cannot be reached.
        """
    )

    @Option(help: "Daemon socket path.")
    var socket = "./run/edge-assistant.sock"

    @Argument(help: "health | status | models | level MODEL LEVEL | detect IMAGE | recognize AUDIO | rank")
    var what: [String]

    @OptionGroup var rankOptions: RankQueryOptions

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let (method, path, body) = try request()
        let contentType = what.first == "detect" || what.first == "recognize" ? "application/octet-stream" : "application/json"
        let client = UnixHTTPClient(socketPath: socket)
        let response: UnixHTTPClient.Response
        do {
            response = try client.send(method, path, body: body, contentType: contentType)
        } catch {
            FileHandle.standardError.write(Data("edge-assistant query: daemon not reachable at \(socket): \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(response.text)
        guard (200..<300).contains(response.status) else { throw ExitCode(1) }
    }

    func request() throws -> (String, String, [UInt8]) {
        switch what.first {
        case "health" where what.count == 1: return ("GET", "/v1/health", [])
        case "status" where what.count == 1: return ("GET", "/v1/status", [])
        case "models" where what.count == 1: return ("GET", "/v1/models", [])
        case "level" where what.count == 3:
            let name = what[1].addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? what[1]
            let body = try JSONSerialization.data(withJSONObject: ["level": what[2]])
            return ("PUT", "/v1/models/\(name)/level", Array(body))
        default:
            if let inference = try inferenceRequest() { return inference }
            throw ValidationError("expected: health | status | models | level MODEL auto|VARIANT | detect IMAGE | recognize AUDIO | rank --player ID --candidates IDS")
        }
    }
}
