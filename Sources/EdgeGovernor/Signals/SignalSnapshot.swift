/// Everything the governor knows about the machine at one tick. Every part is optional: a box
/// without a battery, thermal zones or cgroup v2 is normal, and a garbled file makes its signal
/// absent for that tick rather than failing the tick.
public struct SignalSnapshot: Sendable, Equatable, Codable {
    public var battery: BatterySignal?
    public var cpu: CPUSignal
    public var thermal: ThermalSignal?

    public init(battery: BatterySignal? = nil, cpu: CPUSignal = CPUSignal(), thermal: ThermalSignal? = nil) {
        self.battery = battery
        self.cpu = cpu
        self.thermal = thermal
    }
}

/// Battery and external power, merged over all `/sys/class/power_supply` entries.
public struct BatterySignal: Sendable, Equatable, Codable {
    /// Charge level in percent (0…100); absent when no battery reports one.
    public var levelPercent: Double?
    /// `true` when a battery reports `Discharging`, or when no status is known and no external
    /// supply is online.
    public var discharging: Bool
    /// `true` when a Mains/USB supply reports `online` = 1.
    public var onExternalPower: Bool
    /// Power drawn from (positive) the batteries in watts, when the kernel reports it.
    public var powerWatts: Double?
    /// Remaining energy in watt-hours, when the kernel reports it (energy_now, or charge_now × voltage).
    public var energyWattHours: Double?

    public init(levelPercent: Double?, discharging: Bool, onExternalPower: Bool,
                powerWatts: Double? = nil, energyWattHours: Double? = nil) {
        self.levelPercent = levelPercent
        self.discharging = discharging
        self.onExternalPower = onExternalPower
        self.powerWatts = powerWatts
        self.energyWattHours = energyWattHours
    }
}

/// CPU capacity and contention. Rates and fractions come from deltas between two ticks, so they
/// are absent on the first tick.
public struct CPUSignal: Sendable, Equatable, Codable {
    /// Online cores (`cpuN` lines of /proc/stat, else the process's view).
    public var cores: Double?
    /// cgroup v2 `cpu.max` quota of the daemon's cgroup (tightest ancestor), in cores.
    public var quotaCores: Double?
    /// Fraction (0…1) of cgroup periods that were throttled since the last tick.
    public var throttledFraction: Double?
    /// Busy fraction (0…1) of all cores since the last tick, from /proc/stat.
    public var busyFraction: Double?
    /// PSI `some avg10` of /proc/pressure/cpu, in percent.
    public var pressureSomeAvg10: Double?

    public init(cores: Double? = nil, quotaCores: Double? = nil, throttledFraction: Double? = nil,
                busyFraction: Double? = nil, pressureSomeAvg10: Double? = nil) {
        self.cores = cores
        self.quotaCores = quotaCores
        self.throttledFraction = throttledFraction
        self.busyFraction = busyFraction
        self.pressureSomeAvg10 = pressureSomeAvg10
    }
}

/// Thermal state. `headroom` follows Android's `getThermalHeadroom`: 0 is cold, 1.0 means "at
/// the throttling threshold", above 1 is past it.
public struct ThermalSignal: Sendable, Equatable, Codable {
    /// The largest headroom over all zones with a usable trip point.
    public var headroom: Double?
    /// Hottest zone temperature in °C.
    public var maxTemperatureCelsius: Double?
    /// Mean `scaling_max_freq / cpuinfo_max_freq` over CPUs: below 1 when the frequency is capped.
    public var frequencyCapRatio: Double?
    /// Mean `scaling_cur_freq / cpuinfo_max_freq` (informational: idle cores clock down too).
    public var frequencyCurrentRatio: Double?

    public init(headroom: Double? = nil, maxTemperatureCelsius: Double? = nil,
                frequencyCapRatio: Double? = nil, frequencyCurrentRatio: Double? = nil) {
        self.headroom = headroom
        self.maxTemperatureCelsius = maxTemperatureCelsius
        self.frequencyCapRatio = frequencyCapRatio
        self.frequencyCurrentRatio = frequencyCurrentRatio
    }
}
