import EdgeServer
import Foundation

/// `GET /v1/voice/mic` (group `read`) and `PUT /v1/voice/mic` `{"enabled": true|false}` (group
/// `admin`). The PUT runs off the event loop: switching joins or starts capture threads.
enum MicrophoneRoutes {
    struct Body: Decodable {
        var enabled: Bool
    }

    static func routes(_ mic: MicrophoneControl) -> [Route] {
        [
            Route(.GET, "/v1/voice/mic", group: .read, .inline { _ in try Response.json(mic.state) }),
            Route(.PUT, "/v1/voice/mic", group: .admin, .offloaded { request in
                try Response.json(try mic.setEnabled(try request.decodeJSON(Body.self).enabled))
            }),
        ]
    }
}
