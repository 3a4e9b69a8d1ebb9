import EdgeRuntime
import Foundation

/// Runs independent jobs on worker threads and returns their results in index order, so the
/// outcome does not depend on scheduling. The first error stops the other workers early.
enum ParallelWork {
    static func map<State, T: Sendable>(count: Int, jobs: Int, worker makeState: () throws(EdgeError) -> State,
                                        _ body: (inout State, Int) throws(EdgeError) -> T) throws(EdgeError) -> [T] {
        let results = Results<T>(count: count)
        let workers = max(1, min(jobs, count))
        withoutActuallyEscaping(makeState) { makeState in
            withoutActuallyEscaping(body) { body in
                let shared = UncheckedBox((makeState, body))
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    do {
                        var state = try shared.value.0()
                        for i in stride(from: w, to: count, by: workers) where !results.failed {
                            results.set(i, try shared.value.1(&state, i))
                        }
                    } catch {
                        results.fail(error as? EdgeError ?? EdgeError(.io, "\(error)"))
                    }
                }
            }
        }
        if let e = results.error { throw e }
        return results.values
    }

    /// Closures handed to the worker threads; each worker calls them on its own state only.
    private struct UncheckedBox<V>: @unchecked Sendable {
        let value: V
        init(_ value: V) { self.value = value }
    }

    private final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [T?]
        private var firstError: EdgeError?
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        var failed: Bool { lock.withLock { firstError != nil } }
        var error: EdgeError? { lock.withLock { firstError } }
        var values: [T] { lock.withLock { slots.map { $0! } } }
        func set(_ i: Int, _ v: T) { lock.withLock { slots[i] = v } }
        func fail(_ e: EdgeError) { lock.withLock { if firstError == nil { firstError = e } } }
    }
}
