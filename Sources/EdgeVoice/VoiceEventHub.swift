import Foundation

/// Where recognised commands are persisted (the daemon's SQLite event log implements it).
/// Called on the recognition thread for every event: implementations must not block for long
/// (queue the write; the hub does not wait for storage).
public protocol VoiceEventLog: Sendable {
    func record(_ command: VoiceCommand)
}

/// Fans recognised commands out to any number of subscribers (SSE clients, Wyoming sessions,
/// tests), each with its own bounded queue.
///
/// `publish` never waits for a subscriber: one whose queue is full is removed and receives a
/// final `.closed` message saying why, so a stalled client can never stall capture.
public final class VoiceEventHub: @unchecked Sendable {
    /// Default queue bound per subscriber.
    public static let defaultCapacity = 64
    /// Most subscribers at once; `subscribe` refuses more (each holds a queue and a connection).
    public let maxSubscribers: Int
    private let log: (any VoiceEventLog)?
    /// Recursive: a subscription released while `publish` holds it deinitialises inside the
    /// lock and unsubscribes through `remove`.
    private let lock = NSRecursiveLock()
    /// Weak: a subscription its owner released (a closed connection) unsubscribes itself.
    private var subscribers: [Int: Weak] = [:]
    private struct Weak { weak var value: VoiceSubscription? }
    private var nextID = 0
    /// Events published since creation.
    public private(set) var published = 0
    /// Subscribers dropped for being too slow since creation.
    public private(set) var droppedSubscribers = 0

    public init(log: (any VoiceEventLog)? = nil, maxSubscribers: Int = 64) {
        self.log = log
        self.maxSubscribers = max(1, maxSubscribers)
    }

    /// Current subscriber count.
    public var subscriberCount: Int { lock.lock(); defer { lock.unlock() }; return subscribers.count }

    /// A new subscription receiving every event published from now on, or nil when
    /// `maxSubscribers` are already connected.
    public func subscribe(capacity: Int = VoiceEventHub.defaultCapacity) -> VoiceSubscription? {
        lock.lock()
        defer { lock.unlock() }
        guard subscribers.count < maxSubscribers else { return nil }
        nextID += 1
        let id = nextID
        let sub = VoiceSubscription(capacity: capacity) { [weak self] in self?.remove(id) }
        subscribers[id] = Weak(value: sub)
        return sub
    }

    /// Delivers `command` to the event log and to every subscriber; drops the slow ones.
    public func publish(_ command: VoiceCommand) {
        log?.record(command)
        lock.lock()
        published += 1
        var slow: [VoiceSubscription] = []
        for (id, box) in subscribers {
            guard let sub = box.value, !sub.offer(.event(command)) else { continue }
            sub.close(reason: "slow consumer: \(sub.capacity) events were waiting")
            subscribers[id] = nil
            slow.append(sub)
            droppedSubscribers += 1
        }
        lock.unlock()
        // Closing messages are queued; the subscriptions are released outside the lock.
        withExtendedLifetime(slow) {}
    }

    /// Ends every subscription (daemon shutdown or microphone off), telling each why.
    public func closeAll(reason: String) {
        lock.lock()
        let all = subscribers.values.compactMap(\.value)
        subscribers.removeAll()
        lock.unlock()
        for s in all { s.close(reason: reason) }
    }

    private func remove(_ id: Int) {
        lock.lock()
        subscribers[id] = nil
        lock.unlock()
    }
}
