/// Server-Sent Events framing for `GET /v1/voice/events`, as pure functions: the daemon's
/// HTTP layer writes these strings to the response body as they come.
///
/// Each command is one `data:` line of JSON followed by a blank line; comments (lines starting
/// with `:`) keep idle connections and proxies alive; the stream's end says why it ended.
public enum ServerSentEvents {
    /// Response headers for an SSE stream.
    public static let headers: [(String, String)] = [
        ("Content-Type", "text/event-stream"),
        ("Cache-Control", "no-cache"),
        ("X-Accel-Buffering", "no"),
    ]

    /// Suggested interval between keep-alive comments.
    public static let keepAliveSeconds = 15.0

    /// `id: N` (optional) and `data: {json}` for one command.
    public static func event(_ command: VoiceCommand, id: Int? = nil) -> String {
        var s = ""
        if let id { s += "id: \(id)\n" }
        s += "data: \(command.jsonString())\n\n"
        return s
    }

    /// A comment line that clients ignore; keeps the connection open through idle periods.
    public static func keepAlive(_ text: String = "keep-alive") -> String {
        ": \(singleLine(text))\n\n"
    }

    /// The named `error` event sent before closing: `{"error": reason}`.
    public static func closing(reason: String) -> String {
        "event: error\ndata: {\"error\":\"\(jsonEscaped(reason))\"}\n\n"
    }

    /// The SSE text for one hub message.
    public static func encode(_ message: VoiceHubMessage, id: Int? = nil) -> String {
        switch message {
        case .event(let c): return event(c, id: id)
        case .closed(let reason): return closing(reason: reason)
        }
    }

    /// Line breaks would end a field early: a comment must stay on one line.
    static func singleLine(_ s: String) -> String {
        String(s.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    /// Escapes a string for a JSON string literal (quotes, backslashes, control characters).
    static func jsonEscaped(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
