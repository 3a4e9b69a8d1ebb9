import EdgeRuntime
import XCTest
@testable import EdgeGovernor

final class RuleParserTests: XCTestCase {
    private func snapshot(level: Double?, discharging: Bool, headroom: Double? = nil) -> SignalSnapshot {
        SignalSnapshot(battery: level.map { BatterySignal(levelPercent: $0, discharging: discharging, onExternalPower: !discharging) },
                       thermal: headroom.map { ThermalSignal(headroom: $0) })
    }

    func testParsesAndEvaluatesRules() throws {
        let rules = try RuleParser.parse(text: """
            # comments and blank lines are skipped

            battery < 20% and discharging -> eco
            thermal >= 90% -> eco   # headroom 0.9
            not discharging and has_battery -> performance
            """)
        XCTAssertEqual(rules.count, 3)
        XCTAssertEqual(rules[0].conditions, [.compare(.battery, .less, 20), .flag(.discharging, negated: false)])
        XCTAssertEqual(rules[1].conditions, [.compare(.thermal, .greaterOrEqual, 0.9)])
        XCTAssertEqual(rules[2].mode, .performance)
        XCTAssertTrue(rules[0].matches(snapshot(level: 15, discharging: true)))
        XCTAssertFalse(rules[0].matches(snapshot(level: 15, discharging: false)))
        XCTAssertFalse(rules[0].matches(snapshot(level: 25, discharging: true)))
        XCTAssertFalse(rules[0].matches(snapshot(level: nil, discharging: true)), "absent level never matches")
        XCTAssertTrue(rules[1].matches(snapshot(level: nil, discharging: false, headroom: 0.95)))
        XCTAssertTrue(rules[2].matches(snapshot(level: 50, discharging: false)))
        XCTAssertFalse(rules[2].matches(SignalSnapshot()), "no battery: has_battery is false")
    }

    func testErrorsNameRuleColumnAndExpectation() {
        let cases: [(String, String)] = [
            ("batery < 20 -> eco", "column 1: unknown signal \"batery\" (expected battery, thermal"),
            ("battery < x -> eco", "column 11: expected a number after \"<\", found \"x\""),
            ("battery 20 -> eco", "column 9: expected a comparison"),
            ("battery < 20 -> turbo", "column 17: unknown mode \"turbo\" (expected eco, balanced, performance)"),
            ("battery < 20 -> eco now", "column 21: unexpected \"now\" after the mode"),
            ("battery < 20", "expected \"and\" or \"->\" then a mode, found the end"),
            ("battery < 20 or discharging -> eco", "column 14: expected \"and\" or \"->\", found \"or\""),
            ("battery =< 20 -> eco", "column 9: unknown operator \"=<\""),
            ("temperature > 80% -> eco", "\"temperature\" is in °C; write it without %"),
            ("battery < 20 -> ", "expected a mode after \"->\""),
            ("not battery < 20 -> eco", "column 5: unknown signal \"battery\" (expected discharging, on_ac, has_battery)"),
            ("battery < 20 -> eco; rm", "column 20: unexpected character \";\""),
            ("battery < 20 -> auto", "unknown mode \"auto\""),
        ]
        for (rule, expected) in cases {
            XCTAssertThrowsError(try RuleParser.parse(rules: ["on_ac -> performance", rule])) { error in
                let error = error as! EdgeError
                XCTAssertEqual(error.code, .invalidRule)
                XCTAssertTrue(error.message.hasPrefix("rule 2 \"\(rule.trimmingCharacters(in: .whitespaces))\""), error.message)
                XCTAssertTrue(error.message.contains(expected), "\(rule): \(error.message)")
            }
        }
    }

    func testConfigurationWithABadRuleIsRejected() throws {
        let json = #"{"rules": ["battery < 20% and discharging -> eco", "pressure > lots -> eco"], "min_dwell_seconds": 5}"#
        XCTAssertThrowsError(try PolicyConfiguration.fromJSON(Data(json.utf8))) { error in
            XCTAssertEqual((error as! EdgeError).message, "rule 2 \"pressure > lots -> eco\", column 12: expected a number after \">\", found \"lots\"")
        }
        let good = try PolicyConfiguration.fromJSON(Data(#"{"min_dwell_seconds": 5, "factors": {"thermal_floor": 0.5}}"#.utf8))
        XCTAssertEqual(good.minDwellSeconds, 5)
        XCTAssertEqual(good.factors.thermalFloor, 0.5)
        XCTAssertEqual(good.cpuShare, 0.5, "absent keys keep their defaults")
    }

    func testConfigurationValueErrorsNameTheKey() {
        let cases: [(String, String)] = [
            (#"{"cpu_share": 1.5}"#, "cpu_share = 1.5 must be in (0, 1]"),
            (#"{"up_threshold": 1.2}"#, "up_threshold (1.2) < down_threshold (1.0)"),
            (#"{"auto_default": "turbo"}"#, "auto_default"),
            (#"{"factors": {"throttle_floor": 0}}"#, "factors.throttle_floor = 0.0 must be in (0, 1]"),
            (#"{"model_weights": {"speech": -1}}"#, "model_weights.speech = -1.0 must be > 0"),
            (#"{"rules": "battery < 20 -> eco"}"#, "wrong type at .rules"),
            ("{", "invalid JSON"),
        ]
        for (json, expected) in cases {
            XCTAssertThrowsError(try PolicyConfiguration.fromJSON(Data(json.utf8))) { error in
                XCTAssertEqual((error as! EdgeError).code, .invalidConfiguration)
                XCTAssertTrue((error as! EdgeError).message.contains(expected), "\(json): \(error)")
            }
        }
    }
}
