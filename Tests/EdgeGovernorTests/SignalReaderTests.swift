import Foundation
import XCTest
@testable import EdgeGovernor

final class SignalReaderTests: XCTestCase {
    func testBatteryFromEnergyPowerAndMains() throws {
        let tree = try FakeTree()
        tree.battery(level: 55, status: "Discharging", acOnline: false)
        tree.write("sys/class/power_supply/BAT0/energy_now", "22000000\n")   // 22 Wh
        tree.write("sys/class/power_supply/BAT0/energy_full", "40000000\n")
        tree.write("sys/class/power_supply/BAT0/power_now", "7500000\n")     // 7.5 W
        var reader = SignalReader(roots: tree.roots)
        let (snapshot, issues) = reader.read()
        let battery = try XCTUnwrap(snapshot.battery)
        XCTAssertEqual(battery.levelPercent, 55)
        XCTAssertTrue(battery.discharging)
        XCTAssertFalse(battery.onExternalPower)
        XCTAssertEqual(try XCTUnwrap(battery.powerWatts), 7.5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(battery.energyWattHours), 22, accuracy: 1e-9)
        XCTAssertEqual(issues.messages, [:])
    }

    func testBatteryLevelFromChargeAndVoltageWhenNoCapacity() throws {
        let tree = try FakeTree()
        let dir = "sys/class/power_supply/BAT1"
        tree.write("\(dir)/type", "Battery")
        tree.write("\(dir)/status", "Charging")
        tree.write("\(dir)/charge_now", "1000000")   // 1 Ah
        tree.write("\(dir)/charge_full", "4000000")
        tree.write("\(dir)/voltage_now", "12000000") // 12 V
        tree.write("\(dir)/current_now", "-500000")  // some drivers sign it
        tree.write("sys/class/power_supply/USB/type", "USB")
        tree.write("sys/class/power_supply/USB/online", "1")
        var reader = SignalReader(roots: tree.roots)
        let battery = try XCTUnwrap(reader.read().0.battery)
        XCTAssertEqual(try XCTUnwrap(battery.levelPercent), 25, accuracy: 1e-9)
        XCTAssertFalse(battery.discharging)
        XCTAssertTrue(battery.onExternalPower)
        XCTAssertEqual(try XCTUnwrap(battery.powerWatts), 6, accuracy: 1e-9)
    }

    func testNoPowerSupplyIsNormalAndSilent() throws {
        let tree = try FakeTree()
        tree.write("sys/class/power_supply/AC/type", "Mains")
        tree.write("sys/class/power_supply/AC/online", "1")
        var reader = SignalReader(roots: tree.roots)
        let (snapshot, issues) = reader.read()
        XCTAssertNil(snapshot.battery)
        XCTAssertNil(snapshot.thermal)
        XCTAssertEqual(issues.messages, [:])
    }

    func testGarbledBatteryCapacityIsIgnoredWithAWarningThatIsNotRepeated() throws {
        let tree = try FakeTree()
        tree.battery(level: 50, status: "Discharging", acOnline: false)
        tree.write("sys/class/power_supply/BAT0/capacity", "fifty\u{0}\u{7}")
        var reader = SignalReader(roots: tree.roots)
        var dedup = WarningDeduplicator()
        var warned: [String] = []
        for _ in 0..<5 {
            let (snapshot, issues) = reader.read()
            XCTAssertNil(snapshot.battery?.levelPercent)
            XCTAssertEqual(snapshot.battery?.discharging, true)
            warned += dedup.newWarnings(from: issues)
        }
        XCTAssertEqual(warned.count, 2, "\(warned)")  // the garbled file, and "no usable level"
        XCTAssertTrue(warned.contains { $0.contains("capacity") && $0.contains("not a number") && $0.contains("\"fifty??\"") })
        // Healthy again, then broken again: warns again.
        tree.write("sys/class/power_supply/BAT0/capacity", "40")
        XCTAssertEqual(dedup.newWarnings(from: reader.read().1), [])
        tree.write("sys/class/power_supply/BAT0/capacity", "400")
        XCTAssertEqual(dedup.newWarnings(from: reader.read().1).count, 2)
    }

    func testCgroupQuotaIsTightestAncestorAndThrottlingIsADelta() throws {
        let tree = try FakeTree()
        tree.cgroup(max: "150000 100000", periods: 100, throttled: 10)
        tree.write("sys/fs/cgroup/system.slice/cpu.max", "50000 100000")  // a parent's tighter 0.5 core
        var reader = SignalReader(roots: tree.roots)
        let first = reader.read().0.cpu
        XCTAssertEqual(try XCTUnwrap(first.quotaCores), 0.5, accuracy: 1e-9)
        XCTAssertNil(first.throttledFraction, "no delta on the first tick")
        tree.cgroup(max: "150000 100000", periods: 200, throttled: 60)
        XCTAssertEqual(try XCTUnwrap(reader.read().0.cpu.throttledFraction), 0.5, accuracy: 1e-9)
        tree.cgroup(max: "150000 100000", periods: 300, throttled: 60)
        XCTAssertEqual(try XCTUnwrap(reader.read().0.cpu.throttledFraction), 0, accuracy: 1e-9)
        // The leaf's limit lifted: only the parent's quota is left, and it has no cpu.stat here.
        tree.cgroup(max: "max 100000", periods: 400, throttled: 90)
        let fourth = reader.read().0.cpu
        XCTAssertNil(fourth.throttledFraction)
        XCTAssertEqual(try XCTUnwrap(fourth.quotaCores), 0.5, accuracy: 1e-9)
    }

    func testCgroupPathThatClimbsOutOfTheMountIsRejected() throws {
        let tree = try FakeTree()
        tree.write("proc/self/cgroup", "0::/../../etc\n")
        var reader = SignalReader(roots: tree.roots)
        let (snapshot, issues) = reader.read()
        XCTAssertNil(snapshot.cpu.quotaCores)
        XCTAssertTrue(issues.messages.values.contains { $0.contains("names cgroup") })
    }

    func testProcStatLoadAndPressure() throws {
        let tree = try FakeTree()
        tree.procStat(cores: 4, busy: 1000, idle: 3000)
        tree.pressure(some: 12.5)
        var reader = SignalReader(roots: tree.roots)
        let first = reader.read().0.cpu
        XCTAssertEqual(first.cores, 4)
        XCTAssertNil(first.busyFraction)
        XCTAssertEqual(first.pressureSomeAvg10, 12.5)
        tree.procStat(cores: 4, busy: 1300, idle: 3100)  // +300 busy of +400
        XCTAssertEqual(try XCTUnwrap(reader.read().0.cpu.busyFraction), 0.75, accuracy: 1e-9)
    }

    func testThermalHeadroomAgainstPassiveTripAndFrequencyCap() throws {
        let tree = try FakeTree()
        tree.thermalZone(0, celsius: 55, passive: 85)   // (55-25)/(85-25) = 0.5
        tree.thermalZone(1, celsius: 70, passive: 100)  // 45/75 = 0.6
        for (cpu, cap) in [(0, 2_000_000), (1, 1_000_000)] {
            let dir = "sys/devices/system/cpu/cpu\(cpu)/cpufreq"
            tree.write("\(dir)/cpuinfo_max_freq", "2000000")
            tree.write("\(dir)/scaling_max_freq", "\(cap)")
            tree.write("\(dir)/scaling_cur_freq", "800000")
        }
        var reader = SignalReader(roots: tree.roots)
        let thermal = try XCTUnwrap(reader.read().0.thermal)
        XCTAssertEqual(try XCTUnwrap(thermal.headroom), 0.6, accuracy: 1e-9)
        XCTAssertEqual(thermal.maxTemperatureCelsius, 70)
        XCTAssertEqual(try XCTUnwrap(thermal.frequencyCapRatio), 0.75, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(thermal.frequencyCurrentRatio), 0.4, accuracy: 1e-9)
    }

    func testFIFOInTheTreeIsNotOpened() throws {
        let tree = try FakeTree()
        tree.battery(level: 50, status: "Discharging", acOnline: false)
        tree.remove("sys/class/power_supply/BAT0/capacity")
        XCTAssertEqual(mkfifo(tree.sysfs + "/class/power_supply/BAT0/capacity", 0o600), 0)
        var reader = SignalReader(roots: tree.roots)
        let (snapshot, issues) = reader.read()  // would block forever if the FIFO were opened
        XCTAssertNil(snapshot.battery?.levelPercent)
        XCTAssertTrue(issues.messages.values.contains { $0.contains("not a regular file") })
    }

    func testEveryFileGarbledNeverCrashes() throws {
        let tree = try FakeTree()
        let junk = "\u{FFFD}garbage -1e999 nan\n\n"
        for file in ["sys/class/power_supply/BAT0/type", "sys/class/thermal/thermal_zone0/temp",
                     "sys/class/thermal/thermal_zone0/trip_point_0_type", "sys/class/thermal/thermal_zone0/trip_point_0_temp",
                     "proc/stat", "proc/pressure/cpu", "proc/self/cgroup",
                     "sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq"] {
            tree.write(file, junk)
        }
        tree.write("proc/self/cgroup", "0::/edge\n")
        tree.write("sys/fs/cgroup/edge/cpu.max", "lots 0")
        tree.write("sys/fs/cgroup/edge/cpu.stat", "nr_periods x\n")
        try Data([0xFF, 0xFE, 0x00, 0xC3]).write(to: URL(fileURLWithPath: tree.procfs + "/pressure/cpu"))
        var reader = SignalReader(roots: tree.roots)
        for _ in 0..<3 {
            let (snapshot, issues) = reader.read()
            XCTAssertNil(snapshot.battery)
            XCTAssertNil(snapshot.thermal?.headroom)
            XCTAssertNil(snapshot.cpu.quotaCores)
            XCTAssertNil(snapshot.cpu.busyFraction)
            XCTAssertNil(snapshot.cpu.pressureSomeAvg10)
            XCTAssertGreaterThanOrEqual(issues.messages.count, 5, "\(issues.messages)")
        }
    }
}
