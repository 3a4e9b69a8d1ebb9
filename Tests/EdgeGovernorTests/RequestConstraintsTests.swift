import EdgeRuntime
import XCTest
@testable import EdgeGovernor

/// speech ladder: teacher (0.97, 21 ms), int8 (0.96, 7 ms), tiny-int8 (0.93, 2.5 ms).
final class RequestConstraintsTests: XCTestCase {
    private let ladder = TestLadders.speech

    func testNoConstraintsKeepTheGovernorsChoice() {
        XCTAssertEqual(ladder.resolve(RequestConstraints(), current: 1), Resolution(variant: "int8", honoured: true, note: nil))
    }

    func testQualityPicksTheStartingRung() {
        XCTAssertEqual(ladder.resolve(RequestConstraints(quality: .max), current: 2).variant, "teacher")
        XCTAssertEqual(ladder.resolve(RequestConstraints(quality: .eco), current: 0).variant, "tiny-int8")
        XCTAssertEqual(ladder.resolve(RequestConstraints(quality: .balanced), current: 1).variant, "int8")
    }

    func testMinAccuracyMovesUpOnlyAsFarAsNeeded() {
        XCTAssertEqual(ladder.resolve(RequestConstraints(minAccuracy: 0.955), current: 2),
                       Resolution(variant: "int8", honoured: true,
                                  note: "tiny-int8 has accuracy 0.93 < min_accuracy 0.955; using int8"))
    }

    func testMaxLatencyMovesDown() {
        XCTAssertEqual(ladder.resolve(RequestConstraints(maxLatencyMs: 10, quality: .max), current: 0),
                       Resolution(variant: "int8", honoured: true,
                                  note: "teacher has latency 21.0 ms > max_latency_ms 10.0; using int8"))
    }

    func testConflictKeepsLatencyAndSaysAccuracyIsNotHonoured() {
        XCTAssertEqual(ladder.resolve(RequestConstraints(maxLatencyMs: 5, minAccuracy: 0.96), current: 0),
                       Resolution(variant: "tiny-int8", honoured: false,
                                  note: "min_accuracy 0.96 cannot be honoured within max_latency_ms 5.0: the best is tiny-int8 at 0.93"))
    }

    func testUnreachableAccuracyUsesTheBestVariant() {
        XCTAssertEqual(ladder.resolve(RequestConstraints(minAccuracy: 0.99), current: 2),
                       Resolution(variant: "teacher", honoured: false,
                                  note: "min_accuracy 0.99 cannot be honoured: the best is teacher at 0.97"))
    }

    func testUnreachableLatencyUsesTheFastestVariant() {
        XCTAssertEqual(ladder.resolve(RequestConstraints(maxLatencyMs: 1), current: 0),
                       Resolution(variant: "tiny-int8", honoured: false,
                                  note: "max_latency_ms 1.0 cannot be honoured: the fastest variant tiny-int8 takes 2.5 ms"))
    }

    func testNonsenseValuesAreRejected() throws {
        let governor = try Governor(ladders: TestLadders.all, clock: ManualClock())
        for constraints in [RequestConstraints(maxLatencyMs: -1), RequestConstraints(maxLatencyMs: .nan),
                            RequestConstraints(minAccuracy: 1.5), RequestConstraints(minAccuracy: .infinity)] {
            XCTAssertThrowsError(try governor.resolve(model: "speech-commands", constraints: constraints)) {
                XCTAssertEqual(($0 as! EdgeError).code, .invalidConfiguration)
            }
        }
        XCTAssertThrowsError(try governor.resolve(model: "nope", constraints: RequestConstraints())) {
            XCTAssertEqual(($0 as! EdgeError).code, .unknownModel)
        }
    }

    func testDecodesTheWireFormat() throws {
        let json = #"{"max_latency_ms": 8, "min_accuracy": 0.9, "quality": "eco"}"#
        let constraints = try JSONDecoder().decode(RequestConstraints.self, from: Data(json.utf8))
        XCTAssertEqual(constraints, RequestConstraints(maxLatencyMs: 8, minAccuracy: 0.9, quality: .eco))
    }
}
