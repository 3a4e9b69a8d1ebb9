import NIOCore
import NIOHTTP1

/// Builds a connection's pipeline:
///
/// ```
/// socket ─► RequestGuardHandler ─► IdleStateHandler ─► HTTP decoder/encoder ─► pipelining ─► HTTPHandler
///           (408 / 431, raw)        (idle close)        (header limits)          (one request at a time)
/// ```
///
/// Shared by the real server and the tests' `EmbeddedChannel`s, so tests drive the exact pipeline.
public enum ChannelSetup {
    public static func configure(_ channel: Channel, context box: ServerContextBox, peer: PeerCredentials) throws {
        let limits = box.value.limits
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldCount = 100
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(RequestGuardHandler(requestTimeout: .milliseconds(Int64(limits.requestTimeoutMs)),
                                                maxHeaderBytes: limits.maxHeaderBytes))
        try sync.addHandler(IdleStateHandler(readTimeout: .milliseconds(Int64(limits.idleTimeoutMs))))
        try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: false,
                                             withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
        try sync.addHandler(HTTPHandler(context: box, peer: peer))
    }
}
