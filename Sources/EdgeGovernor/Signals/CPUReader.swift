import Foundation

/// Reads the CPU side of the budget: core count and load from `<procfs>/stat`, contention from
/// `<procfs>/pressure/cpu` (PSI) and the cgroup limit/throttling through `CgroupReader`.
/// Load and throttling are deltas, so the reader keeps the previous sample between ticks.
public struct CPUReader: Sendable {
    public var procfs: SignalFiles
    private var cgroup: CgroupReader
    private var previousTotals: (busy: Double, total: Double)?

    public init(procfs: SignalFiles, cgroupfs: SignalFiles) {
        self.procfs = procfs
        self.cgroup = CgroupReader(procfs: procfs, cgroupfs: cgroupfs)
    }

    public mutating func read(issues: inout SignalIssues) -> CPUSignal {
        var signal = CPUSignal()
        if let stat = procStat(issues: &issues) {
            signal.cores = stat.cores > 0 ? stat.cores : nil
            if let before = previousTotals {
                let total = stat.total - before.total, busy = stat.busy - before.busy
                if total > 0, busy >= 0 { signal.busyFraction = min(1, busy / total) }
            }
            previousTotals = (stat.busy, stat.total)
        } else {
            previousTotals = nil
        }
        if signal.cores == nil { signal.cores = Double(ProcessInfo.processInfo.activeProcessorCount) }
        (signal.quotaCores, signal.throttledFraction) = cgroup.read(issues: &issues)
        signal.pressureSomeAvg10 = pressure(issues: &issues)
        return signal
    }

    /// Aggregate jiffies of the `cpu` line (busy = all but idle and iowait) and the number of
    /// `cpuN` lines.
    private func procStat(issues: inout SignalIssues) -> (busy: Double, total: Double, cores: Double)? {
        guard let text = procfs.text("stat", issues: &issues) else { return nil }
        var aggregate: [Double]?
        var cores = 0.0
        for line in text.split(separator: "\n") where line.hasPrefix("cpu") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields[0] == "cpu" {
                aggregate = fields.dropFirst().compactMap { Double($0) }
                if aggregate?.count != fields.count - 1 { aggregate = nil }
            } else if fields[0].dropFirst(3).allSatisfy(\.isNumber) {
                cores += 1
            }
        }
        // user nice system idle iowait [irq softirq steal …]: at least the first four are needed.
        guard let values = aggregate, values.count >= 4, values.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            issues.report(procfs.path("stat"), "\(procfs.path("stat")) has no readable aggregate \"cpu\" line; CPU load ignored")
            return nil
        }
        // guest/guest_nice (fields 9, 10) are already counted in user/nice.
        let total = values.prefix(8).reduce(0, +)
        let idle = values[3] + (values.count > 4 ? values[4] : 0)
        return (total - idle, total, cores)
    }

    private func pressure(issues: inout SignalIssues) -> Double? {
        guard let text = procfs.text("pressure/cpu", issues: &issues) else { return nil }
        guard let avg10 = KeyValueLines.tokens(text, line: "some")?["avg10"], (0...100).contains(avg10) else {
            issues.report(procfs.path("pressure/cpu"), "\(procfs.path("pressure/cpu")) has no readable \"some avg10=\"; CPU pressure ignored")
            return nil
        }
        return avg10
    }
}
