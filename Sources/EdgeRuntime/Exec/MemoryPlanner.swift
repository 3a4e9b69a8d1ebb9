/// Greedy, lifetime-based placement of activations into one arena (TFLite Micro's
/// `GreedyMemoryPlanner` idea): buffers whose lifetimes overlap never share bytes; the
/// largest buffers are placed first, each at the lowest offset that fits.
///
/// ```
///  arena: |  conv1.out (0..<802816) |  dw1.out (802816..<1605632) |
///          later: pw1.out reuses 0..<… once conv1.out is dead
/// ```
struct MemoryPlanner {
    struct Request {
        var bytes: Int
        /// First and last step (inclusive) during which the buffer must be intact.
        var firstStep: Int
        var lastStep: Int
    }

    /// Returns each request's offset (64-byte aligned) and the arena size.
    static func place(_ requests: [Request], alignment: Int = 64) -> (offsets: [Int], arenaBytes: Int) {
        let order = requests.indices.sorted {
            requests[$0].bytes != requests[$1].bytes ? requests[$0].bytes > requests[$1].bytes : $0 < $1
        }
        var offsets = [Int](repeating: 0, count: requests.count)
        var placed: [Int] = []
        var arena = 0
        for i in order {
            let r = requests[i]
            let size = (max(r.bytes, 1) + alignment - 1) / alignment * alignment
            // Occupied ranges of already-placed buffers alive at the same time, by offset.
            let live = placed
                .filter { requests[$0].firstStep <= r.lastStep && r.firstStep <= requests[$0].lastStep }
                .map { (start: offsets[$0], end: offsets[$0] + (max(requests[$0].bytes, 1) + alignment - 1) / alignment * alignment) }
                .sorted { $0.start < $1.start }
            var candidate = 0
            for range in live {
                if candidate + size <= range.start { break }
                candidate = max(candidate, range.end)
            }
            offsets[i] = candidate
            arena = max(arena, candidate + size)
            placed.append(i)
        }
        return (offsets, arena)
    }
}
