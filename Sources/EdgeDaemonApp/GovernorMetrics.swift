import EdgeGovernor
import EdgeServer
import Prometheus
import Synchronization

/// Publishes the governor's state as Prometheus gauges at every scrape (a `ServerMetrics`
/// collector): the variant it chose per model (info-style: 1 for the chosen variant, 0 for the
/// others), the budget and each model's share, the configured CPU share, and every signal that
/// is present at the last tick. A signal that disappears (a battery removed, a garbled file)
/// has its gauge removed rather than frozen at a stale value.
final class GovernorMetrics: Sendable {
    /// A gauge without labels; `value` nil means "absent: remove it".
    struct Reading {
        var name: String
        var help: String
        var value: Double?
    }

    let bridge: GovernorBridge
    let registry: ModelRegistry
    /// Names of the unlabeled gauges currently exported.
    private let present = Mutex<Set<String>>([])

    init(bridge: GovernorBridge, registry: ModelRegistry) {
        self.bridge = bridge
        self.registry = registry
    }

    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "edge", subsystem: "governor", metricName: name, unitName: nil, helpText: help)
    }

    func collect(into metrics: ServerMetrics) {
        guard let governor = bridge.governor else { return }
        let status = governor.status
        let catalog = registry.catalog
        for choice in status.models {
            for variant in catalog.families[choice.model]?.variants.map(\.name) ?? [choice.variant] {
                metrics.registry.makeGauge(descriptor: Self.descriptor("variant_info", "1 for the variant the governor chose per model"),
                                           labels: [("model", choice.model), ("variant", variant)])
                    .set(to: variant == choice.variant ? 1 : 0)
            }
            metrics.registry.makeGauge(descriptor: Self.descriptor("share_cores", "Each model's share of the budget, in cores"),
                                       labels: [("model", choice.model)]).set(to: choice.shareCores)
        }
        publish(Self.readings(status, cpuShare: governor.configuration.policy.cpuShare), to: metrics.registry)
    }

    /// The unlabeled gauges for one status; nil values are absent signals.
    static func readings(_ status: GovernorStatus, cpuShare: Double) -> [Reading] {
        let s = status.signals
        func flag(_ b: Bool?) -> Double? { b.map { $0 ? 1 : 0 } }
        return [
            Reading(name: "budget_cores", help: "CPU budget for inference, in cores at full clock", value: status.budget?.cores),
            Reading(name: "cpu_share_ratio", help: "Configured share of the cores the daemon may use (cpu_share)", value: cpuShare),
            Reading(name: "battery_percent", help: "Battery level", value: s?.battery?.levelPercent),
            Reading(name: "on_ac", help: "1 when an external supply is online", value: flag(s?.battery?.onExternalPower)),
            Reading(name: "battery_discharging", help: "1 when a battery discharges", value: flag(s?.battery?.discharging)),
            Reading(name: "cpu_cores", help: "Online cores", value: s?.cpu.cores),
            Reading(name: "cpu_quota_cores", help: "cgroup cpu.max quota, in cores", value: s?.cpu.quotaCores),
            Reading(name: "cpu_busy_ratio", help: "Busy fraction of all cores since the last tick", value: s?.cpu.busyFraction),
            Reading(name: "cpu_throttled_ratio", help: "Fraction of cgroup periods throttled since the last tick", value: s?.cpu.throttledFraction),
            Reading(name: "cpu_pressure_percent", help: "PSI cpu some avg10", value: s?.cpu.pressureSomeAvg10),
            Reading(name: "thermal_headroom", help: "Thermal headroom (1.0 = at the throttling threshold)", value: s?.thermal?.headroom),
            Reading(name: "frequency_cap_ratio", help: "Mean scaling_max_freq / cpuinfo_max_freq", value: s?.thermal?.frequencyCapRatio),
        ]
    }

    private func publish(_ readings: [Reading], to registry: PrometheusCollectorRegistry) {
        present.withLock { present in
            for r in readings {
                let descriptor = Self.descriptor(r.name, r.help)
                if let value = r.value {
                    registry.makeGauge(descriptor: descriptor).set(to: value)
                    present.insert(r.name)
                } else if present.remove(r.name) != nil {
                    registry.unregisterGauge(registry.makeGauge(descriptor: descriptor))
                }
            }
        }
    }
}
