@testable import EdgeRuntime
import EdgeTestSupport
import XCTest

final class MemoryPlannerTests: XCTestCase {
    /// Buffers alive at the same step never overlap; offsets are aligned; dead buffers are reused.
    func testOverlappingLifetimesNeverShareBytes() {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<200 {
            let n = Int(rng.next() % 30) + 1
            let requests = (0..<n).map { _ -> MemoryPlanner.Request in
                let first = Int(rng.next() % 20)
                return .init(bytes: Int(rng.next() % 5000) + 1, firstStep: first, lastStep: first + Int(rng.next() % 6))
            }
            let (offsets, arena) = MemoryPlanner.place(requests)
            for i in 0..<n {
                XCTAssertEqual(offsets[i] % 64, 0)
                XCTAssertLessThanOrEqual(offsets[i] + requests[i].bytes, arena)
                for j in (i + 1)..<max(n, i + 1) {
                    let alive = requests[i].firstStep <= requests[j].lastStep && requests[j].firstStep <= requests[i].lastStep
                    let disjoint = offsets[i] + requests[i].bytes <= offsets[j] || offsets[j] + requests[j].bytes <= offsets[i]
                    if alive { XCTAssertTrue(disjoint, "buffers \(i) and \(j) overlap while both alive") }
                }
            }
        }
    }

    func testChainReusesMemory() {
        // A chain a→b→c→d of equal buffers needs only two slots, not four.
        let requests = (0..<4).map { MemoryPlanner.Request(bytes: 1024, firstStep: $0, lastStep: $0 + 1) }
        let (_, arena) = MemoryPlanner.place(requests)
        XCTAssertEqual(arena, 2048)
    }
}
