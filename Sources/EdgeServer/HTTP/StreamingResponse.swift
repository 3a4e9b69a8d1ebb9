import NIOCore
import NIOHTTP1

/// A response whose body is produced over time (Server-Sent Events): the head goes out at once
/// (chunked transfer encoding, no `Content-Length`), then `produce` writes chunks until it
/// returns; the connection closes after it. The request is logged when the head is sent.
public struct StreamingResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: [(String, String)]
    /// A write the client does not take within this long closes the connection (a client that
    /// stopped reading must not hold a producer, its buffers and a connection slot forever).
    public var writeTimeout: Duration?
    public var produce: @Sendable (StreamWriter) async -> Void

    public init(status: HTTPResponseStatus = .ok, headers: [(String, String)], writeTimeout: Duration? = nil,
                produce: @escaping @Sendable (StreamWriter) async -> Void) {
        self.status = status
        self.headers = headers
        self.writeTimeout = writeTimeout
        self.produce = produce
    }
}

/// Writes body chunks of a `StreamingResponse` from any thread or task.
public struct StreamWriter: Sendable {
    let channel: any Channel
    let writeTimeout: Duration?

    init(channel: any Channel, writeTimeout: Duration? = nil) {
        self.channel = channel
        self.writeTimeout = writeTimeout
    }

    /// Writes and flushes `text`; false once the client has gone (the producer should stop).
    /// With a write timeout, a write still pending after it (the socket buffer is full because
    /// the client stopped reading) closes the connection and returns false.
    @discardableResult
    public func write(_ text: String) async -> Bool {
        guard channel.isActive else { return false }
        let buffer = channel.allocator.buffer(string: text)
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: promise)
        if let writeTimeout {
            let channel = self.channel
            let timer = channel.eventLoop.scheduleTask(in: TimeAmount(writeTimeout)) {
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in timer.cancel() }
        }
        do {
            try await promise.futureResult.get()
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
