import CEdgeKernels

/// Splits [0, count) into one contiguous chunk per pool thread and runs `body(begin, end)`
/// on each (`ek_pool_parallel_for`). Runs inline when there is no pool or the job is small
/// (`work` = rough element operations; thread hand-off costs a few microseconds).
///
/// `body` may run concurrently on several threads: it must only write disjoint outputs.
/// No heap allocation: the closure is passed to C by address for the duration of the call.
@inline(__always)
func parallelFor(_ pool: OpaquePointer?, _ count: Int, work: Int, _ body: (Int, Int) -> Void) {
    guard let pool, count > 1, work >= parallelWorkThreshold else {
        body(0, count)
        return
    }
    withoutActuallyEscaping(body) { escapable in
        var job = escapable
        withUnsafeMutablePointer(to: &job) { ctx in
            ek_pool_parallel_for(pool, Int64(count), { ctx, begin, end in
                ctx.unsafelyUnwrapped.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee(Int(begin), Int(end))
            }, ctx)
        }
    }
}

/// Below this many element operations a job runs on the calling thread.
let parallelWorkThreshold = 1 << 19
