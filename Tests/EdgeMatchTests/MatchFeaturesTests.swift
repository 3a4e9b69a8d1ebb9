import EdgeMatch
import EdgeRuntime
import XCTest

final class MatchFeaturesTests: XCTestCase {
    func testColumnsAndVocabulariesAgree() {
        XCTAssertEqual(MatchFeatures.numericCount, 15)
        XCTAssertEqual(MatchFeatures.categoricalCount, 8)
        XCTAssertEqual(MatchFeatures.vocabularySizes, [6, 6, 26, 5, 5, 17, 6, 6])
        XCTAssertEqual(Set(MatchFeatures.numericNames).count, MatchFeatures.numericCount)
    }

    func testHandComputedRow() throws {
        let p = try makePlayer("p", skill: 1500, region: .eu, latency: 30, style: .support, toxicity: 0.1, quitRate: 0.08, party: 1, matches: 0)
        let c = try makePlayer("c", skill: 1800, region: .na, latency: 50, style: .aggressive, toxicity: 0.3, quitRate: 0.2, party: 3, matches: 999)
        let (f, k) = MatchFeatures.row(player: p, candidate: c)
        let expected: [Float] = [1, 1, 0, 1, 0.3, 0.5, 1.3, 0.1, 0.3, 0.3, 0.08, 0.2, 0.5, 0, Float(log(1000.0) / log(1001.0))]
        XCTAssertEqual(f.count, expected.count)
        for (i, (a, b)) in zip(f, expected).enumerated() {
            XCTAssertEqual(a, b, accuracy: 1e-6, MatchFeatures.numericNames[i])
        }
        // eu=1, na=2, pair (1-1)*5+2; support=2, aggressive=1, pair (2-1)*4+1; parties 1 and 3.
        XCTAssertEqual(k, [1, 2, 2, 2, 1, 5, 1, 3])
    }

    func testExtremesAreClippedAndIDsStayInVocabulary() throws {
        let lo = try makePlayer("lo", skill: 0, region: .sa, latency: 2000, style: .casual, party: 5, matches: 1_000_000)
        let hi = try makePlayer("hi", skill: 5000, region: .oce, latency: 0, style: .strategic, party: 1)
        for (a, b) in [(lo, hi), (hi, lo), (lo, lo)] {
            let (f, k) = MatchFeatures.row(player: a, candidate: b)
            XCTAssertTrue(f.allSatisfy { $0.isFinite && abs($0) <= 5 }, "\(f)")
            for (i, id) in k.enumerated() {
                XCTAssertTrue((1..<Int64(MatchFeatures.vocabularySizes[i])).contains(id), "\(MatchFeatures.categoricalNames[i]) = \(id)")
            }
        }
    }

    func testUnknownValuesMapToIDZero() {
        XCTAssertEqual(MatchFeatures.regionID("mars"), 0)
        XCTAssertEqual(MatchFeatures.regionID("oce"), 5)
        XCTAssertEqual(MatchFeatures.styleID("sneaky"), 0)
        XCTAssertEqual(MatchFeatures.partyID(9), 0)
        XCTAssertEqual(MatchFeatures.pairID(0, 3, size: 5), 0)
        XCTAssertEqual(MatchFeatures.pairID(5, 5, size: 5), 25)
    }

    func testTensorsHaveTheModelContractShapes() throws {
        let p = try makePlayer("p")
        let cs = try (0..<3).map { try makePlayer("c\($0)", skill: 1400 + Double($0) * 100) }
        let (f, k) = try MatchFeatures.tensors(player: p, candidates: cs)
        XCTAssertEqual(f.dtype, .float32)
        XCTAssertEqual(f.shape, [3, 15])
        XCTAssertEqual(k.dtype, .int64)
        XCTAssertEqual(k.shape, [3, 8])
        XCTAssertEqual(Array(f.scalars(as: Float.self)[15..<30]), MatchFeatures.row(player: p, candidate: cs[1]).features)
    }
}
