import EdgeMatch
import XCTest

final class RankingMetricsTests: XCTestCase {
    func testAUCHandCases() {
        XCTAssertEqual(RankingMetrics.auc(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]), 0.75)
        XCTAssertEqual(RankingMetrics.auc(scores: [1, 2, 3], labels: [false, true, true]), 1)
        XCTAssertEqual(RankingMetrics.auc(scores: [3, 2, 1], labels: [false, true, true]), 0)
        XCTAssertEqual(RankingMetrics.auc(scores: [1, 1, 1, 1], labels: [false, true, false, true]), 0.5, "ties count half")
        XCTAssertNil(RankingMetrics.auc(scores: [1, 2], labels: [true, true]))
    }

    func testNDCGHandCase() throws {
        // Group 0: positives at ranks 1 and 3 of 3 → (1 + 1/2) / (1 + 1/log2 3).
        // Group 1: positive ranked 2nd of 2 → (1/log2 3) / 1. Group 2 has no positive: skipped.
        let scores: [Double] = [0.9, 0.5, 0.1, 0.2, 0.8, 0.3]
        let labels = [true, false, true, true, false, false]
        let groups: [Int64] = [0, 0, 0, 1, 1, 2]
        let g0 = (1 + 0.5) / (1 + 1 / log2(3.0)), g1 = 1 / log2(3.0)
        XCTAssertEqual(try XCTUnwrap(RankingMetrics.ndcg(scores: scores, labels: labels, groups: groups)), (g0 + g1) / 2, accuracy: 1e-12)
        // k = 1 only looks at the top row of each group.
        XCTAssertEqual(try XCTUnwrap(RankingMetrics.ndcg(scores: scores, labels: labels, groups: groups, k: 1)), 0.5, accuracy: 1e-12)
        XCTAssertNil(RankingMetrics.ndcg(scores: [1], labels: [false], groups: [0]))
    }
}
