import Foundation
import XCTest
@testable import EdgeGovernor

/// A fake `/sys` + `/proc` (+ cgroup mount under `sys/fs/cgroup`) in a temp directory, with
/// helpers that write what the kernel would.
final class FakeTree {
    let root: String
    var sysfs: String { root + "/sys" }
    var procfs: String { root + "/proc" }
    var roots: SignalRoots { SignalRoots(sysfs: sysfs, procfs: procfs) }

    init() throws {
        root = NSTemporaryDirectory() + "governor-tree-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `content` to `relative` (e.g. "sys/class/power_supply/BAT0/capacity").
    func write(_ relative: String, _ content: String) {
        let path = root + "/" + relative
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! content.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func remove(_ relative: String) { try? FileManager.default.removeItem(atPath: root + "/" + relative) }

    /// A laptop battery (`BAT0`) plus an AC adapter (`AC`).
    func battery(level: Int, status: String, acOnline: Bool) {
        write("sys/class/power_supply/BAT0/type", "Battery\n")
        write("sys/class/power_supply/BAT0/capacity", "\(level)\n")
        write("sys/class/power_supply/BAT0/status", "\(status)\n")
        write("sys/class/power_supply/AC/type", "Mains\n")
        write("sys/class/power_supply/AC/online", acOnline ? "1\n" : "0\n")
    }

    /// A thermal zone at `celsius` with a passive trip at `passive` and a critical one at 105 °C.
    func thermalZone(_ index: Int, celsius: Double, passive: Double = 85) {
        let dir = "sys/class/thermal/thermal_zone\(index)"
        write("\(dir)/type", "x86_pkg_temp\n")
        write("\(dir)/temp", "\(Int(celsius * 1000))\n")
        write("\(dir)/trip_point_0_type", "passive\n")
        write("\(dir)/trip_point_0_temp", "\(Int(passive * 1000))\n")
        write("\(dir)/trip_point_1_type", "critical\n")
        write("\(dir)/trip_point_1_temp", "105000\n")
    }

    /// /proc/stat with `cores` cpuN lines and the given aggregate busy and idle jiffies.
    func procStat(cores: Int = 2, busy: Int, idle: Int) {
        var text = "cpu  \(busy) 0 0 \(idle) 0 0 0 0 0 0\n"
        for i in 0..<cores { text += "cpu\(i) \(busy / cores) 0 0 \(idle / cores) 0 0 0 0 0 0\n" }
        text += "intr 1 2 3\nctxt 99\n"
        write("proc/stat", text)
    }

    /// The daemon's own cgroup `/system.slice/edge.service` with `cpu.max` and `cpu.stat`.
    func cgroup(max: String, periods: Int, throttled: Int) {
        write("proc/self/cgroup", "0::/system.slice/edge.service\n")
        let dir = "sys/fs/cgroup/system.slice/edge.service"
        write("\(dir)/cpu.max", max + "\n")
        write("\(dir)/cpu.stat", "usage_usec 100\nuser_usec 60\nsystem_usec 40\nnr_periods \(periods)\nnr_throttled \(throttled)\nthrottled_usec \(throttled * 1000)\n")
    }

    func pressure(some avg10: Double) {
        write("proc/pressure/cpu", "some avg10=\(avg10) avg60=0.00 avg300=0.00 total=1234\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
    }
}

/// A clock the test advances by hand.
final class ManualClock: GovernorClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time: Double

    init(_ start: Double = 1000) { time = start }

    func now() -> Double { lock.withLock { time } }
    func advance(_ seconds: Double) { lock.withLock { time += seconds } }
}

/// Collects governor events from the callback.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [GovernorEvent] = []

    func append(_ event: GovernorEvent) { lock.withLock { events.append(event) } }
    var all: [GovernorEvent] { lock.withLock { events } }
    var warnings: [String] { all.compactMap { if case .warning(let w) = $0 { w } else { nil } } }
    var switches: [PolicyAction] { all.compactMap { if case .action(let a) = $0, case .switchVariant = a { a } else { nil } } }
}

/// Three families shaped like the project's ladders (illustrative figures, not measurements).
enum TestLadders {
    static let speech = try! ModelLadder(model: "speech-commands", task: .speech, variants: [
        Variant(name: "teacher", accuracy: 0.97, cpuMs: 20, latencyMs: 21),
        Variant(name: "int8", accuracy: 0.96, cpuMs: 6, latencyMs: 7),
        Variant(name: "tiny-int8", accuracy: 0.93, cpuMs: 2, latencyMs: 2.5),
    ])
    static let detection = try! ModelLadder(model: "ar-landmarks", task: .detection, variants: [
        Variant(name: "teacher", accuracy: 0.80, cpuMs: 40, latencyMs: 42),
        Variant(name: "int8", accuracy: 0.78, cpuMs: 12, latencyMs: 13),
        Variant(name: "pruned-int8", accuracy: 0.74, cpuMs: 4, latencyMs: 5),
    ])
    static let match = try! ModelLadder(model: "match-quality", task: .recommendation, variants: [
        Variant(name: "teacher", accuracy: 0.85, cpuMs: 1.0, latencyMs: 1.2),
        Variant(name: "int8", accuracy: 0.84, cpuMs: 0.3, latencyMs: 0.4),
    ])
    static let all = [speech, detection, match]
    /// Requests per second that make the teachers cost 0.2 + 0.4 + 0.05 = 0.65 cores: they fit a
    /// 1-core budget with room to spare (below the 0.8 up threshold).
    static let rates = ["speech-commands": 10.0, "ar-landmarks": 10.0, "match-quality": 50.0]
}
