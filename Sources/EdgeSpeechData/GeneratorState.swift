import EdgeRuntime
import Foundation

/// Results shared by the generator's worker threads, behind one lock.
final class GeneratorState: @unchecked Sendable {
    private let lock = NSLock()
    private var _entries: [ManifestEntry?]
    private var _error: EdgeError?
    private var done = 0

    init(count: Int) { _entries = Array(repeating: nil, count: count) }

    var entries: [ManifestEntry?] { lock.withLock { _entries } }
    var error: EdgeError? { lock.withLock { _error } }
    /// True once any worker failed: the others stop early.
    var failed: Bool { lock.withLock { _error != nil } }

    func finish(_ index: Int, _ entry: ManifestEntry, progress: (@Sendable (Int, Int) -> Void)?) {
        let n: Int = lock.withLock {
            _entries[index] = entry
            done += 1
            return done
        }
        progress?(n, _entries.count)
    }

    func fail(_ e: EdgeError) {
        lock.withLock { if _error == nil { _error = e } }
    }
}

/// A pointer handed to worker threads that write disjoint rows of one tensor.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
