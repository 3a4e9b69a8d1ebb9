import EdgeDaemonApp
import Foundation
import XCTest

/// The governor's state in `GET /metrics`: chosen variant per model, budget, signals that are
/// present, and level switches per model and reason kind.
final class GovernorMetricsTests: XCTestCase {
    /// Writes `files` (name → content) into `dir` under the harness's fake sysfs.
    func write(_ d: DaemonHarness, _ dir: String, _ files: [String: String]) throws {
        let path = d.tmp.path("sys") + "/" + dir
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, value) in files { try (value + "\n").write(toFile: "\(path)/\(name)", atomically: true, encoding: .utf8) }
    }

    /// The value of the sample line starting with `series` (name plus labels), if exported.
    func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    func scrape(_ d: DaemonHarness) throws -> String {
        let r = try d.client.send("GET", "/metrics")
        XCTAssertEqual(r.status, 200)
        return r.text
    }

    func testScrapeShowsSignalsChoicesAndSwitches() async throws {
        let d = try await DaemonHarness()
        try write(d, "class/power_supply/BAT0", ["type": "Battery", "capacity": "90", "status": "Charging"])
        try write(d, "class/power_supply/AC", ["type": "Mains", "online": "1"])
        try write(d, "class/thermal/thermal_zone0", ["temp": "45000", "trip_point_0_temp": "85000", "trip_point_0_type": "passive"])
        let governor = try XCTUnwrap(d.wiring.governor.governor)
        governor.tick()

        var text = try scrape(d)
        XCTAssertEqual(sample(text, "edge_governor_battery_percent"), 90, text)
        XCTAssertEqual(sample(text, "edge_governor_on_ac"), 1)
        XCTAssertEqual(sample(text, "edge_governor_battery_discharging"), 0)
        XCTAssertEqual(try XCTUnwrap(sample(text, "edge_governor_thermal_headroom")), 20.0 / 60.0, accuracy: 1e-6, "(45 − 25) / (85 − 25)")
        XCTAssertEqual(sample(text, "edge_governor_cpu_share_ratio"), 0.5)
        XCTAssertGreaterThan(try XCTUnwrap(sample(text, "edge_governor_budget_cores")), 0)
        XCTAssertNotNil(sample(text, #"edge_governor_share_cores{model="landmarks"}"#))
        XCTAssertEqual(sample(text, #"edge_governor_variant_info{model="landmarks",variant="teacher"}"#), 1)
        XCTAssertEqual(sample(text, #"edge_governor_variant_info{model="landmarks",variant="int8"}"#), 0)
        XCTAssertNil(sample(text, "edge_governor_cpu_quota_cores"), "no cgroup in the fake tree: no gauge")
        XCTAssertFalse(text.contains("edge_model_level_switches_total{"), "no switch yet")

        // Unplugged at 15 %: every family moves down; the switches are counted as governor_down.
        try write(d, "class/power_supply/BAT0", ["capacity": "15", "status": "Discharging"])
        try write(d, "class/power_supply/AC", ["online": "0"])
        governor.tick()
        text = try scrape(d)
        XCTAssertEqual(sample(text, "edge_governor_battery_percent"), 15)
        XCTAssertEqual(sample(text, "edge_governor_on_ac"), 0)
        XCTAssertEqual(sample(text, "edge_governor_battery_discharging"), 1)
        for model in ["landmarks", "speech-commands", "matchmaker"] {
            XCTAssertEqual(sample(text, #"edge_model_level_switches_total{model="\#(model)",reason="governor_down"}"#), 1, text)
            XCTAssertEqual(sample(text, #"edge_governor_variant_info{model="\#(model)",variant="int8"}"#), 1)
            XCTAssertEqual(sample(text, #"edge_governor_variant_info{model="\#(model)",variant="teacher"}"#), 0)
        }

        // A client pin is its own reason kind; a battery that disappears takes its gauges with it.
        XCTAssertEqual(try d.json("PUT", "/v1/models/landmarks/level", object: ["level": "teacher"]).0, 200)
        try FileManager.default.removeItem(atPath: d.tmp.path("sys") + "/class/power_supply/BAT0")
        governor.tick()
        text = try scrape(d)
        XCTAssertEqual(sample(text, #"edge_model_level_switches_total{model="landmarks",reason="pin"}"#), 1, text)
        XCTAssertNil(sample(text, "edge_governor_battery_percent"), text)
        XCTAssertNil(sample(text, "edge_governor_on_ac"), "the reader reports power only with a battery (mains-only box: no signal)")
        XCTAssertNotNil(sample(text, "edge_governor_thermal_headroom"), "other signals stay")
        await d.shutdown()
    }

    func testGarbledSignalFileRemovesItsGaugeAndScrapesKeepWorking() async throws {
        let d = try await DaemonHarness()
        try write(d, "class/thermal/thermal_zone0", ["temp": "50000", "trip_point_0_temp": "85000", "trip_point_0_type": "passive"])
        let governor = try XCTUnwrap(d.wiring.governor.governor)
        governor.tick()
        XCTAssertNotNil(sample(try scrape(d), "edge_governor_thermal_headroom"))
        try write(d, "class/thermal/thermal_zone0", ["temp": "hot!"])
        governor.tick()
        let text = try scrape(d)
        XCTAssertNil(sample(text, "edge_governor_thermal_headroom"), text)
        XCTAssertNotNil(sample(text, "edge_governor_budget_cores"))
        await d.shutdown()
    }
}
