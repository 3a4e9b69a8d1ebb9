import EdgeServer
import EdgeVoice
import Foundation

/// `GET /v1/voice/events`: recognised voice commands as Server-Sent Events. Each subscriber has
/// a bounded queue in the hub; one that falls behind is dropped (it gets a final `error` event)
/// so capture never stalls, and one whose connection does not take a write within
/// `writeTimeout` (it stopped reading: the socket buffer is full) is disconnected. A keep-alive
/// comment goes out every `keepAliveSeconds` of silence.
enum VoiceRoutes {
    static func routes(hub: VoiceEventHub, writeTimeout: Duration, keepAliveSeconds: Double = ServerSentEvents.keepAliveSeconds) -> [Route] {
        [Route(.GET, "/v1/voice/events", group: .read, .stream { _ in
            guard let subscription = hub.subscribe() else {
                throw APIError(.serviceUnavailable, "too_many_subscribers",
                               "voice event subscriber limit (\(hub.maxSubscribers)) reached; retry later", headers: [("Retry-After", "5")])
            }
            return StreamingResponse(headers: ServerSentEvents.headers, writeTimeout: writeTimeout) { writer in
                // A client that hangs up ends the iteration below at once.
                writer.onClose { subscription.cancel() }
                let keepAlive = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(keepAliveSeconds))
                        if Task.isCancelled { break }
                        let open = await writer.write(ServerSentEvents.keepAlive())
                        if !open { break }
                    }
                }
                _ = await writer.write(ServerSentEvents.keepAlive("subscribed"))
                var id = 0
                for await message in subscription {
                    id += 1
                    guard await writer.write(ServerSentEvents.encode(message, id: id)) else { break }
                    if case .closed = message { break }
                }
                keepAlive.cancel()
                subscription.cancel()
            }
        })]
    }
}
