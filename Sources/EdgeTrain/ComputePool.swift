import CEdgeKernels

/// The kernels' sleeping thread pool, with a Swift-closure `parallelFor`. Training splits the
/// batch across its threads (each thread runs single-threaded GEMMs on its images), which keeps
/// every core busy on the small, skinny matrices of edge CNNs.
public final class ComputePool: @unchecked Sendable {
    let raw: OpaquePointer?
    /// Number of threads (caller included).
    public let threads: Int

    /// A pool of `threads` threads (1 = run on the caller only).
    public init(threads: Int) {
        self.threads = max(1, threads)
        _ = TrainMemory.configured
        raw = self.threads > 1 ? ek_pool_create(Int32(self.threads)) : nil
    }

    deinit { if let raw { ek_pool_destroy(raw) } }

    private final class Body {
        let run: (Int, Int) -> Void
        init(_ run: @escaping (Int, Int) -> Void) { self.run = run }
    }

    /// Calls `body(begin, end)` over [0, n) split into one contiguous chunk per thread.
    /// Synchronous: returns when every chunk is done, so `body` may use pointers of the caller.
    public func parallelFor(_ n: Int, _ body: (Int, Int) -> Void) {
        guard n > 0 else { return }
        guard let raw, n > 1 else { body(0, n); return }
        withoutActuallyEscaping(body) { body in
            let box = Body(body)
            let trampoline: @convention(c) (UnsafeMutableRawPointer?, Int64, Int64) -> Void = { ctx, b, e in
                Unmanaged<Body>.fromOpaque(ctx!).takeUnretainedValue().run(Int(b), Int(e))
            }
            withExtendedLifetime(box) {
                ek_pool_parallel_for(raw, Int64(n), trampoline, Unmanaged.passUnretained(box).toOpaque())
            }
        }
    }

    /// Splits [0, n) into `chunkCount(n)` contiguous chunks and calls `body(chunk, begin, end)`
    /// for each in parallel; `chunk` indexes per-thread partial results (weight gradients).
    public func chunked(_ n: Int, _ body: (_ chunk: Int, _ begin: Int, _ end: Int) -> Void) {
        let k = chunkCount(n)
        parallelFor(k) { lo, hi in
            for c in lo..<hi { body(c, n * c / k, n * (c + 1) / k) }
        }
    }

    /// Calls `body(begin, end)` over [0, n) in one slice per thread when `n` is large enough to be
    /// worth waking the workers (elementwise passes); slices start on 16-float boundaries.
    public func parallelSlices(_ n: Int, minimumPerThread: Int = 16_384, _ body: (Int, Int) -> Void) {
        let k = min(threads, max(1, n / max(minimumPerThread, 1)))
        guard k > 1 else { if n > 0 { body(0, n) }; return }
        parallelFor(k) { lo, hi in
            for c in lo..<hi {
                let b = (n * c / k) & ~15, e = c == k - 1 ? n : (n * (c + 1) / k) & ~15
                if b < e { body(b, e) }
            }
        }
    }

    /// Number of chunks `chunked` uses for `n` items.
    public func chunkCount(_ n: Int) -> Int { min(threads, max(n, 1)) }
}
