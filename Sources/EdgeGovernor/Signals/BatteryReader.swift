/// Reads `<sysfs>/class/power_supply/*` into one `BatterySignal`.
///
/// Units are the kernel's (power_supply ABI): `energy_*` µWh, `charge_*` µAh, `power_now` µW,
/// `current_now` µA, `voltage_now` µV, `capacity` percent. Several batteries are merged: the level
/// is the energy-weighted mean when energies are known, else the plain mean.
public struct BatteryReader: Sendable {
    public var sysfs: SignalFiles

    public init(sysfs: SignalFiles) { self.sysfs = sysfs }

    /// nil when the machine has no battery (normal, no issue); a battery whose files are garbled
    /// contributes what it can and records an issue for the rest.
    public func read(issues: inout SignalIssues) -> BatterySignal? {
        let base = "class/power_supply"
        var batteries: [Cell] = []
        var externalOnline = false
        for name in sysfs.list(base) {
            let dir = "\(base)/\(name)"
            guard let type = sysfs.value("\(dir)/type", issues: &issues) else { continue }
            switch type {
            case "Battery":
                // A device battery (mouse, pen) is scope=Device; only system batteries count.
                if sysfs.value("\(dir)/scope", issues: &issues) == "Device" { continue }
                batteries.append(readCell(dir, issues: &issues))
            case "Mains", "USB", "USB_C", "USB_PD", "USB_PD_DRP", "Wireless":
                if sysfs.number("\(dir)/online", required: true, issues: &issues) == 1 { externalOnline = true }
            default:
                continue
            }
        }
        guard !batteries.isEmpty else { return nil }
        return merge(batteries, externalOnline: externalOnline)
    }

    /// One battery's readings, each nil when missing or garbled.
    struct Cell {
        var level: Double?
        var status: String?
        var energyNowWh: Double?
        var energyFullWh: Double?
        var powerW: Double?
    }

    private func readCell(_ dir: String, issues: inout SignalIssues) -> Cell {
        var cell = Cell()
        cell.status = sysfs.value("\(dir)/status", issues: &issues)
        let voltage = sysfs.number("\(dir)/voltage_now", issues: &issues).map { $0 / 1e6 }
        let energyNow = sysfs.number("\(dir)/energy_now", issues: &issues).map { $0 / 1e6 }
            ?? product(sysfs.number("\(dir)/charge_now", issues: &issues).map { $0 / 1e6 }, voltage)
        let energyFull = sysfs.number("\(dir)/energy_full", issues: &issues).map { $0 / 1e6 }
            ?? product(sysfs.number("\(dir)/charge_full", issues: &issues).map { $0 / 1e6 }, voltage)
        cell.energyNowWh = energyNow.flatMap { $0 >= 0 ? $0 : nil }
        cell.energyFullWh = energyFull.flatMap { $0 > 0 ? $0 : nil }
        if let capacity = sysfs.number("\(dir)/capacity", issues: &issues) {
            if (0...100).contains(capacity) {
                cell.level = capacity
            } else {
                issues.report(sysfs.path("\(dir)/capacity"), "\(sysfs.path("\(dir)/capacity")) = \(capacity) is outside 0…100; ignored")
            }
        }
        if cell.level == nil, let now = cell.energyNowWh, let full = cell.energyFullWh {
            cell.level = min(100, 100 * now / full)
        }
        if cell.level == nil {
            issues.report(sysfs.path(dir), "battery \(sysfs.path(dir)) reports no usable level (capacity or energy_now/energy_full)")
        }
        // Drivers report power_now, or current_now (µA) to be multiplied by voltage; some sign it.
        let power = sysfs.number("\(dir)/power_now", issues: &issues).map { $0 / 1e6 }
            ?? product(sysfs.number("\(dir)/current_now", issues: &issues).map { $0 / 1e6 }, voltage)
        cell.powerW = power.map { abs($0) }
        return cell
    }

    /// Size-weighted level when every battery reports a level and its full energy, else the
    /// mean of the reported levels.
    static func mergedLevel(_ cells: [Cell]) -> Double? {
        let levels = cells.compactMap(\.level)
        guard !levels.isEmpty else { return nil }
        let sized = cells.compactMap { cell in cell.level.flatMap { level in cell.energyFullWh.map { (level, $0) } } }
        if sized.count == cells.count {
            let full = sized.reduce(0) { $0 + $1.1 }
            return sized.reduce(0) { $0 + $1.0 * $1.1 } / full
        }
        return levels.reduce(0, +) / Double(levels.count)
    }

    private func product(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b else { return nil }
        return a * b
    }

    private func merge(_ cells: [Cell], externalOnline: Bool) -> BatterySignal {
        let statuses = cells.compactMap(\.status)
        let discharging: Bool
        if statuses.contains("Discharging") {
            discharging = true
        } else if statuses.contains(where: { ["Charging", "Full", "Not charging"].contains($0) }) {
            discharging = false
        } else {
            discharging = !externalOnline
        }
        let powers = cells.compactMap(\.powerW)
        let energyNow = cells.compactMap(\.energyNowWh)
        return BatterySignal(
            levelPercent: Self.mergedLevel(cells),
            discharging: discharging,
            onExternalPower: externalOnline || (!discharging && statuses.contains("Charging")),
            powerWatts: powers.isEmpty ? nil : powers.reduce(0, +),
            energyWattHours: energyNow.isEmpty ? nil : energyNow.reduce(0, +))
    }
}
