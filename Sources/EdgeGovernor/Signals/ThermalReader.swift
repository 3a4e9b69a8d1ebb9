/// Reads thermal zones and cpufreq limits under `<sysfs>`.
///
/// Headroom per zone (Android `getThermalHeadroom` semantics: 1.0 = at the throttling threshold):
///
///     headroom = (temp − baseline) / (threshold − baseline), floored at 0
///
/// where `threshold` is the zone's lowest `passive` trip point (where the kernel starts
/// throttling), else its lowest `hot`, else its lowest `critical` one, and `baseline` is a
/// configured "cold" temperature (default 25 °C). Temperatures are millidegrees Celsius. A zone
/// without a usable trip point contributes its temperature only. The signal's headroom is the
/// maximum over zones: the hottest part throttles first.
public struct ThermalReader: Sendable {
    public var sysfs: SignalFiles
    /// The temperature that maps to headroom 0, in °C.
    public var baselineCelsius: Double

    public init(sysfs: SignalFiles, baselineCelsius: Double = 25) {
        self.sysfs = sysfs
        self.baselineCelsius = baselineCelsius
    }

    /// nil when there are neither thermal zones nor cpufreq entries (normal on many boxes).
    public func read(issues: inout SignalIssues) -> ThermalSignal? {
        var signal = ThermalSignal()
        for zone in sysfs.list("class/thermal") where zone.hasPrefix("thermal_zone") {
            let dir = "class/thermal/\(zone)"
            // A zone that is switched off reports garbage or errors on read; skip it quietly.
            if sysfs.value("\(dir)/mode", issues: &issues) == "disabled" { continue }
            guard let milli = sysfs.number("\(dir)/temp", required: true, issues: &issues) else { continue }
            let celsius = milli / 1000
            signal.maxTemperatureCelsius = max(signal.maxTemperatureCelsius ?? celsius, celsius)
            guard let threshold = throttleThreshold(dir, issues: &issues), threshold > baselineCelsius else { continue }
            let headroom = max(0, (celsius - baselineCelsius) / (threshold - baselineCelsius))
            signal.headroom = max(signal.headroom ?? headroom, headroom)
        }
        (signal.frequencyCapRatio, signal.frequencyCurrentRatio) = frequencyRatios(issues: &issues)
        return signal == ThermalSignal() ? nil : signal
    }

    /// The zone's throttling threshold in °C from its trip points.
    private func throttleThreshold(_ dir: String, issues: inout SignalIssues) -> Double? {
        var byType: [String: Double] = [:]
        for entry in sysfs.list(dir) where entry.hasPrefix("trip_point_") && entry.hasSuffix("_type") {
            let stem = String(entry.dropLast("_type".count))
            guard let type = sysfs.value("\(dir)/\(entry)", issues: &issues),
                  let milli = sysfs.number("\(dir)/\(stem)_temp", required: true, issues: &issues),
                  milli > 0 else { continue }
            byType[type] = min(byType[type] ?? milli / 1000, milli / 1000)
        }
        return byType["passive"] ?? byType["hot"] ?? byType["critical"]
    }

    /// Mean over CPUs of (scaling_max_freq, scaling_cur_freq) / cpuinfo_max_freq.
    private func frequencyRatios(issues: inout SignalIssues) -> (cap: Double?, current: Double?) {
        var caps: [Double] = [], currents: [Double] = []
        for cpu in sysfs.list("devices/system/cpu") where cpu.hasPrefix("cpu") && cpu.dropFirst(3).allSatisfy(\.isNumber) && cpu.count > 3 {
            let dir = "devices/system/cpu/\(cpu)/cpufreq"
            guard sysfs.exists(dir) else { continue }
            guard let maximum = sysfs.number("\(dir)/cpuinfo_max_freq", required: true, issues: &issues), maximum > 0 else { continue }
            if let cap = sysfs.number("\(dir)/scaling_max_freq", issues: &issues), cap > 0 { caps.append(min(1, cap / maximum)) }
            if let current = sysfs.number("\(dir)/scaling_cur_freq", issues: &issues), current > 0 { currents.append(min(1, current / maximum)) }
        }
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        return (mean(caps), mean(currents))
    }
}
