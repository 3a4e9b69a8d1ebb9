/// Reads the cgroup v2 CPU limit and throttling of the daemon's own cgroup.
///
/// The cgroup path comes from `<procfs>/self/cgroup` (the `0::/path` line; a v1-only or
/// cgroup-less system has none, which is normal). The quota is the tightest `cpu.max` on the
/// path from that cgroup up to the root, since any ancestor's limit caps us too. Throttling is
/// the largest fraction of periods throttled since the last tick over the cgroups on that path
/// that have a quota (`cpu.stat` `nr_periods` / `nr_throttled` deltas).
public struct CgroupReader: Sendable {
    public var procfs: SignalFiles
    /// The cgroup2 mount (normally `/sys/fs/cgroup`).
    public var cgroupfs: SignalFiles
    private var previous: [String: (periods: Double, throttled: Double)] = [:]

    public init(procfs: SignalFiles, cgroupfs: SignalFiles) {
        self.procfs = procfs
        self.cgroupfs = cgroupfs
    }

    /// (quota in cores, throttled fraction) — each nil when unknown.
    public mutating func read(issues: inout SignalIssues) -> (quotaCores: Double?, throttledFraction: Double?) {
        guard let path = ownCgroupPath(issues: &issues) else { return (nil, nil) }
        var quota: Double?
        var throttled: Double?
        var seen: [String: (periods: Double, throttled: Double)] = [:]
        for dir in Self.ancestors(of: path) {
            guard let cores = cpuMax(dir, issues: &issues) else { continue }
            quota = min(quota ?? cores, cores)
            guard let stat = cpuStat(dir, issues: &issues) else { continue }
            seen[dir] = stat
            guard let before = previous[dir] else { continue }
            let periods = stat.periods - before.periods, count = stat.throttled - before.throttled
            // A counter that went backwards (cgroup recreated) gives no usable delta this tick.
            guard periods >= 0, count >= 0 else { continue }
            let fraction = periods > 0 ? min(1, count / periods) : 0
            throttled = max(throttled ?? 0, fraction)
        }
        previous = seen
        return (quota, throttled)
    }

    /// The daemon's cgroup v2 path relative to the cgroup mount, or nil on v1 / no cgroups.
    func ownCgroupPath(issues: inout SignalIssues) -> String? {
        guard let text = procfs.text("self/cgroup", issues: &issues) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("0::") {
            let path = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
            // The path is joined under the cgroup mount, so it must not climb out of it.
            guard path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                issues.report(procfs.path("self/cgroup"), "\(procfs.path("self/cgroup")) names cgroup \(SignalFiles.quote(path)); ignored")
                return nil
            }
            return path
        }
        return nil
    }

    /// `/a/b/c` → [`/a/b/c`, `/a/b`, `/a`, `/`].
    static func ancestors(of path: String) -> [String] {
        var parts = path.split(separator: "/").map(String.init)
        var result: [String] = []
        while !parts.isEmpty {
            result.append("/" + parts.joined(separator: "/"))
            parts.removeLast()
        }
        result.append("/")
        return result
    }

    /// `cpu.max` as cores (`quota / period`), nil for `max`, a missing file or garbage.
    private func cpuMax(_ dir: String, issues: inout SignalIssues) -> Double? {
        let file = dir == "/" ? "cpu.max" : "\(dir)/cpu.max"
        guard let raw = cgroupfs.value(file, issues: &issues) else { return nil }
        let fields = raw.split(separator: " ")
        if fields.first == "max" { return nil }
        guard fields.count == 2, let quota = Double(fields[0]), let period = Double(fields[1]),
              quota > 0, period > 0, quota.isFinite, period.isFinite else {
            issues.report(cgroupfs.path(file), "\(cgroupfs.path(file)) holds \(SignalFiles.quote(raw)), not \"QUOTA PERIOD\"; CPU quota ignored")
            return nil
        }
        return quota / period
    }

    private func cpuStat(_ dir: String, issues: inout SignalIssues) -> (periods: Double, throttled: Double)? {
        let file = dir == "/" ? "cpu.stat" : "\(dir)/cpu.stat"
        guard let text = cgroupfs.text(file, issues: &issues) else { return nil }
        let fields = KeyValueLines.parse(text)
        guard let periods = fields["nr_periods"], let throttled = fields["nr_throttled"] else {
            issues.report(cgroupfs.path(file), "\(cgroupfs.path(file)) lacks numeric nr_periods/nr_throttled; throttling ignored")
            return nil
        }
        return (periods, throttled)
    }
}

/// Parses `key value` lines (cgroup `cpu.stat`) and `key=value` tokens (PSI) into numbers;
/// tokens that are not finite numbers are left out.
enum KeyValueLines {
    static func parse(_ text: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count == 2, let value = Double(fields[1]), value.isFinite { result[String(fields[0])] = value }
        }
        return result
    }

    /// `some avg10=1.00 avg60=…` → ["avg10": 1.0, …] for the line starting with `prefix`.
    static func tokens(_ text: String, line prefix: String) -> [String: Double]? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix + " ") }) else { return nil }
        var result: [String: Double] = [:]
        for token in line.split(separator: " ").dropFirst() {
            let pair = token.split(separator: "=", maxSplits: 1)
            if pair.count == 2, let value = Double(pair[1]), value.isFinite { result[String(pair[0])] = value }
        }
        return result
    }
}
