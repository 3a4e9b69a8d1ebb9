import NIOCore
import NIOHTTP1

/// A response whose body is produced over time (Server-Sent Events): the head goes out at once
/// (chunked transfer encoding, no `Content-Length`), then `produce` writes chunks until it
/// returns; the connection closes after it. The request is logged when the head is sent.
public struct StreamingResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: [(String, String)]
    public var produce: @Sendable (StreamWriter) async -> Void

    public init(status: HTTPResponseStatus = .ok, headers: [(String, String)], produce: @escaping @Sendable (StreamWriter) async -> Void) {
        self.status = status
        self.headers = headers
        self.produce = produce
    }
}

/// Writes body chunks of a `StreamingResponse` from any thread or task.
public struct StreamWriter: Sendable {
    let channel: any Channel

    /// Writes and flushes `text`; false once the client has gone (the producer should stop).
    @discardableResult
    public func write(_ text: String) async -> Bool {
        guard channel.isActive else { return false }
        let buffer = channel.allocator.buffer(string: text)
        do {
            try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)))
            return true
        } catch {
            return false
        }
    }

    /// Whether the client is still connected.
    public var isOpen: Bool { channel.isActive }

    /// Runs `callback` once when the connection closes (either side).
    public func onClose(_ callback: @escaping @Sendable () -> Void) {
        channel.closeFuture.whenComplete { _ in callback() }
    }
}
