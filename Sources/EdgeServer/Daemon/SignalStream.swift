import Dispatch
import Foundation

/// Delivers signals as an async stream through Dispatch signal sources (the signals' default
/// actions are disabled first, so SIGTERM no longer kills the process before draining).
final class SignalStream: @unchecked Sendable {
    let stream: AsyncStream<Int32>
    private var sources: [DispatchSourceSignal] = []

    init(_ signals: [Int32]) {
        var continuation: AsyncStream<Int32>.Continuation!
        stream = AsyncStream { continuation = $0 }
        let queue = DispatchQueue(label: "edge-assistant.signals")
        for sig in signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [continuation] in continuation!.yield(sig) }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for s in sources { s.cancel() }
    }
}
