/// Where the signal readers look. Defaults are the real kernel trees; tests and
/// `serve --sysfs-root DIR --procfs-root DIR` point them at fake ones.
public struct SignalRoots: Sendable, Equatable, Codable {
    public var sysfs: String
    public var procfs: String
    /// The cgroup2 mount; nil means `<sysfs>/fs/cgroup`.
    public var cgroupfs: String?

    public init(sysfs: String = "/sys", procfs: String = "/proc", cgroupfs: String? = nil) {
        self.sysfs = sysfs
        self.procfs = procfs
        self.cgroupfs = cgroupfs
    }
}

/// Reads a full `SignalSnapshot` every tick from the configured roots. Stateful only for the
/// deltas (load, throttling); a read never throws — problems come back as `SignalIssues`.
public struct SignalReader: Sendable {
    private var battery: BatteryReader
    private var cpu: CPUReader
    private var thermal: ThermalReader

    public init(roots: SignalRoots = SignalRoots(), thermalBaselineCelsius: Double = 25) {
        let sysfs = SignalFiles(root: roots.sysfs)
        let procfs = SignalFiles(root: roots.procfs)
        let cgroupfs = SignalFiles(root: roots.cgroupfs ?? sysfs.path("fs/cgroup"))
        battery = BatteryReader(sysfs: sysfs)
        cpu = CPUReader(procfs: procfs, cgroupfs: cgroupfs)
        thermal = ThermalReader(sysfs: sysfs, baselineCelsius: thermalBaselineCelsius)
    }

    /// One snapshot plus the problems met while reading it.
    public mutating func read() -> (SignalSnapshot, SignalIssues) {
        var issues = SignalIssues()
        let snapshot = SignalSnapshot(
            battery: battery.read(issues: &issues),
            cpu: cpu.read(issues: &issues),
            thermal: thermal.read(issues: &issues))
        return (snapshot, issues)
    }
}
