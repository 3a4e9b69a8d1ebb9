import Logging
import NIOCore
import NIOHTTP1

/// Turns decoded HTTP request parts into `Request`s, routes them, checks access, runs the
/// handler (inline or on the inference queue) and writes the response. One instance per
/// connection; all state lives on the connection's event loop.
final class HTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case receiving(HTTPRequestHead, ByteBuffer?)
        /// A 413/400 was already sent for this request; the rest of it is dropped and the
        /// connection closes.
        case rejected
        /// A handler is producing the response.
        case responding
    }

    private let box: ServerContextBox
    private let peer: PeerCredentials
    private var state = State.idle
    private var keepAlive = true
    private var started = NIODeadline.now()

    init(context box: ServerContextBox, peer: PeerCredentials) {
        self.box = box
        self.peer = peer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .idle):
            started = .now()
            context.triggerUserOutboundEvent(RequestProgress.headReceived, promise: nil)
            keepAlive = head.isKeepAlive
            let limit = box.value.limits.maxBodyBytes
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limit {
                reject(context, .payloadTooLarge(limit: limit), route: "-")
            } else {
                state = .receiving(head, nil)
            }
        case (.body(var chunk), .receiving(let head, var body)):
            let limit = box.value.limits.maxBodyBytes
            if (body?.readableBytes ?? 0) + chunk.readableBytes > limit {
                reject(context, .payloadTooLarge(limit: limit), route: "-")
                return
            }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
            state = .receiving(head, body)
        case (.end, .receiving(let head, let body)):
            context.triggerUserOutboundEvent(RequestProgress.requestComplete, promise: nil)
            dispatch(context, head, body)
        case (.end, .rejected):
            context.triggerUserOutboundEvent(RequestProgress.requestComplete, promise: nil)
        case (_, .rejected):
            break
        default:
            // The pipelining handler delivers one request at a time, so anything else is a bug
            // in the pipeline; answer 500 and close rather than guess.
            reject(context, .internal("unexpected request part"), route: "-")
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            // Only an idle keep-alive connection is closed; a request being answered is not idle.
            if case .idle = state { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let parserError = error as? HTTPParserError else {
            box.value.logger.debug("connection error", metadata: ["peer": "\(peer)", "error": "\(error)"])
            context.close(promise: nil)
            return
        }
        switch state {
        case .idle, .receiving:
            let apiError = parserError == .headerOverflow
                ? APIError(.init(statusCode: 431, reasonPhrase: "Request Header Fields Too Large"), "headers_too_large", "request headers exceed the configured limit")
                : APIError(.badRequest, "malformed_request", "malformed HTTP request: \(parserError)")
            reject(context, apiError, route: "-")
        case .rejected, .responding:
            keepAlive = false
        }
    }

    private func dispatch(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ body: ByteBuffer?) {
        let server = box.value
        var routeName = "-"
        do {
            var request = try Request(method: head.method, uri: head.uri, headers: head.headers,
                                      body: body.map { Array($0.readableBytesView) } ?? [], peer: peer)
            let (route, params) = try server.router.resolve(method: head.method, path: request.path)
            routeName = route.pattern
            try server.policy.check(peer, route.group)
            request.parameters = params
            switch route.handler {
            case .inline(let handler):
                respond(context, head, Result { try handler(request) }, route: routeName)
            case .offloaded(let handler):
                state = .responding
                let request = request
                server.queue.submit(on: context.eventLoop) { try handler(request) }
                    .assumeIsolated().whenComplete { [self] result in
                        respond(context, head, result, route: routeName)
                    }
            case .stream(let handler):
                stream(context, head, try handler(request), route: routeName)
            }
        } catch {
            respond(context, head, .failure(error), route: routeName)
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ result: Result<Response, any Error>, route: String) {
        let response: Response
        switch result {
        case .success(let r): response = r
        case .failure(let error):
            let apiError = APIError.from(error)
            if apiError.status.code >= 500 && apiError.status != .serviceUnavailable {
                box.value.logger.error("request failed", metadata: ["route": "\(route)", "peer": "\(peer)", "error": "\(error)"])
            }
            response = .error(apiError)
        }
        write(context, response, omitBody: head.method == .HEAD, route: route, method: head.method.rawValue)
    }

    /// Sends the head of a streaming response and hands the channel to its producer; the
    /// connection closes when the producer returns (or the client goes).
    private func stream(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ response: StreamingResponse, route: String) {
        state = .responding
        keepAlive = false
        var headers = HTTPHeaders(response.headers)
        headers.replaceOrAdd(name: "Connection", value: "close")
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
        record(route: route, status: Int(response.status.code), method: head.method.rawValue)
        let channel = context.channel
        let produce = response.produce
        let writer = StreamWriter(channel: channel, writeTimeout: response.writeTimeout)
        Task {
            await produce(writer)
            try? await channel.writeAndFlush(HTTPServerResponsePart.end(nil))
            try? await channel.close()
        }
    }

    /// Answers `error` now and closes the connection after it (the rest of the request is
    /// not read).
    private func reject(_ context: ChannelHandlerContext, _ error: APIError, route: String) {
        keepAlive = false
        write(context, .error(error), omitBody: false, route: route, method: "-")
        state = .rejected
    }

    private func write(_ context: ChannelHandlerContext, _ response: Response, omitBody: Bool, route: String, method: String) {
        var headers = HTTPHeaders(response.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !omitBody && !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if keepAlive {
            state = .idle
        } else {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
        record(route: route, status: Int(response.status.code), method: method, served: response.served)
    }

    /// Counts the answered request in metrics and the event log.
    private func record(route: String, status: Int, method: String, served: ServedModel? = nil) {
        let server = box.value
        let elapsed = NIODeadline.now() - started
        server.metrics.recordRequest(route: route, status: status, duration: .nanoseconds(elapsed.nanoseconds))
        server.events.record(.request(method: method, route: route, status: status,
                                      durationMs: Double(elapsed.nanoseconds) / 1e6, uid: peer.uid, served: served))
    }
}
