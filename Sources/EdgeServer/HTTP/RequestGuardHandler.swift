import NIOCore

/// Signals from `HTTPHandler` to `RequestGuardHandler` (outbound user events travel toward
/// the head of the pipeline, where the guard sits in front of the HTTP decoder).
enum RequestProgress: Sendable {
    /// The request head was decoded: header bytes are no longer counted.
    case headReceived
    /// The whole request was received: its deadline is cancelled.
    case requestComplete
}

/// Guards the raw byte stream before the HTTP decoder sees it:
///
/// - **request timeout** (slow-loris): a request must be fully received within
///   `requestTimeout` of its first byte, else `408` and close;
/// - **header bytes**: at most `maxHeaderBytes` + one read's worth of bytes may arrive before
///   the head is decoded (the decoder checks header fields itself, but not the request line),
///   else `431` and close.
///
/// The responses are written as raw bytes because the HTTP encoder sits behind this handler.
/// Time spent producing a response (inference) is not counted: the clock starts at the next
/// request's first byte.
final class RequestGuardHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Slack over `maxHeaderBytes` for the request line and one socket read.
    static let readSlack = 64 * 1024

    private enum State {
        case idle
        case header(bytes: Int)
        case body
    }

    private let requestTimeout: TimeAmount
    private let maxHeadBytes: Int
    private var state = State.idle
    private var deadline: Scheduled<Void>?
    private var closed = false

    init(requestTimeout: TimeAmount, maxHeaderBytes: Int) {
        self.requestTimeout = requestTimeout
        self.maxHeadBytes = maxHeaderBytes + Self.readSlack
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let count = unwrapInboundIn(data).readableBytes
        switch state {
        case .idle:
            startDeadline(context)
            state = .header(bytes: count)
        case .header(let bytes):
            state = .header(bytes: bytes + count)
        case .body:
            break
        }
        if case .header(let bytes) = state, bytes > maxHeadBytes {
            reject(context, status: "431 Request Header Fields Too Large", code: "headers_too_large",
                   message: "request line and headers exceed \(maxHeadBytes - Self.readSlack) bytes")
            return
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? RequestProgress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch progress {
        case .headReceived:
            state = .body
        case .requestComplete:
            state = .idle
            deadline?.cancel()
            deadline = nil
        }
        promise?.succeed(())
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }

    private func startDeadline(_ context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: requestTimeout) {
            let (handler, context) = loopBound.value
            handler.reject(context, status: "408 Request Timeout", code: "request_timeout",
                           message: "request not received within \(handler.requestTimeout.nanoseconds / 1_000_000) ms")
        }
    }

    /// Writes a minimal JSON error response and closes the connection.
    private func reject(_ context: ChannelHandlerContext, status: String, code: String, message: String) {
        guard !closed else { return }
        closed = true
        deadline?.cancel()
        let body = APIError(.badRequest, code, message).body
        let text = "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)))
            .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
