import Foundation

/// A POSIX thread that can be joined (Foundation's `Thread` cannot), so `stop()` of the capture,
/// the listener and the Wyoming server returns only once their threads have really exited.
final class JoinableThread: @unchecked Sendable {
    private var handle: pthread_t?
    private let body: @Sendable () -> Void
    private var joined = false

    /// Starts `body` on a new thread named `name` (at most 15 bytes kept).
    init(name: String, _ body: @escaping @Sendable () -> Void) {
        // Foundation's name setter calls pthread_setname_np on the current thread (shows in `top -H`).
        self.body = { Thread.current.name = String(name.prefix(15)); body() }
        let box = Unmanaged.passRetained(self)
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { raw in
            let me = Unmanaged<JoinableThread>.fromOpaque(raw!).takeRetainedValue()
            me.body()
            return nil
        }, box.toOpaque())
        if rc == 0 {
            handle = t
        } else {
            // Could not create a thread (resource limit): run nothing, release the box.
            box.release()
        }
    }

    /// Whether the thread was created.
    var started: Bool { handle != nil }

    /// Waits for the thread to exit. Idempotent; call from one owner only.
    func join() {
        guard let h = handle, !joined else { return }
        joined = true
        pthread_join(h, nil)
    }
}
