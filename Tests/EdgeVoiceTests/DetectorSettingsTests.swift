import EdgeVoice
import Foundation
import XCTest

/// `DetectorSettings`: JSON round trip, merge over defaults, every range check.
final class DetectorSettingsTests: XCTestCase {
    func testRoundTripAndApply() throws {
        var o = StreamingRecognizer.Options()
        o.hopFrames = 2
        o.detector.smoothingHops = 4
        o.detector.defaultThreshold = 0.8
        o.detector.thresholds = ["go": 0.95]
        o.detector.refractoryMs = 700
        o.detector.oncePerSegment = false
        let s = DetectorSettings(o)
        let back = try DetectorSettings.decode(s.encoded())
        XCTAssertEqual(back, s)
        let applied = back.applied(to: StreamingRecognizer.Options())
        XCTAssertEqual(applied.hopFrames, 2)
        XCTAssertEqual(applied.detector.smoothingHops, 4)
        XCTAssertEqual(applied.detector.defaultThreshold, 0.8)
        XCTAssertEqual(applied.detector.thresholds["go"], 0.95)
        XCTAssertEqual(applied.detector.refractoryMs, 700)
        XCTAssertFalse(applied.detector.oncePerSegment)
    }

    func testMissingKeysKeepDefaultsAndThresholdsMerge() throws {
        var base = StreamingRecognizer.Options()
        base.detector.thresholds = ["yes": 0.6, "no": 0.65]
        let s = try DetectorSettings.decode(Data(#"{"thresholds": {"no": 0.9}}"#.utf8))
        let o = s.applied(to: base)
        XCTAssertEqual(o.detector.thresholds, ["yes": 0.6, "no": 0.9])
        XCTAssertEqual(o.hopFrames, base.hopFrames)
        XCTAssertEqual(o.detector.smoothingHops, base.detector.smoothingHops)
        XCTAssertEqual(try DetectorSettings.decode(Data("{}".utf8)), DetectorSettings())
    }

    func testBadValuesAreRejectedWithTheKey() {
        let bad: [(String, String)] = [
            (#"{"hop_frames": 0}"#, "hop_frames"),
            (#"{"smoothing_hops": 51}"#, "smoothing_hops"),
            (#"{"default_threshold": 1.5}"#, "default_threshold"),
            (#"{"thresholds": {"go": -0.1}}"#, "thresholds.go"),
            (#"{"refractory_ms": -1}"#, "refractory_ms"),
            (#"{"hop_frames": "3"}"#, "expected shape"),
            (#"[]"#, "expected shape"),
            ("not json", "expected shape"),
        ]
        for (json, key) in bad {
            XCTAssertThrowsError(try DetectorSettings.decode(Data(json.utf8)), json) { e in
                XCTAssertTrue("\(e)".contains(key), "\(json): \(e)")
            }
        }
    }
}
