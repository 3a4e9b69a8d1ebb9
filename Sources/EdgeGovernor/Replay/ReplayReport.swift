import EdgeRuntime
import Foundation

/// The replay benchmark: always-teacher, always-smallest and the governor over one trace, and
/// the results table.
public struct ReplayReport: Sendable, Equatable {
    public var hours: Double
    public var seed: UInt64
    public var results: [ReplayResult]

    /// Runs the three strategies on a trace generated from `seed`.
    public static func run(ladders: [ModelLadder], configuration: PolicyConfiguration, cores: Double,
                           hours: Double, seed: UInt64) throws(EdgeError) -> ReplayReport {
        guard !ladders.isEmpty else { throw EdgeError(.invalidLadder, "no ladders to replay") }
        guard cores > 0, cores.isFinite, hours > 0, hours <= 24 * 7 else {
            throw EdgeError(.invalidConfiguration, "need cores > 0 and 0 < hours ≤ 168")
        }
        let trace = ReplayTrace.generate(ladders: ladders, hours: hours, seed: seed)
        let results = [
            ReplaySimulator.fixed("always-teacher", trace: trace, ladders: ladders) { _ in 0 },
            ReplaySimulator.fixed("always-smallest", trace: trace, ladders: ladders) { $0.cheapestIndex },
            try ReplaySimulator.governor(trace: trace, ladders: ladders, configuration: configuration, cores: cores),
        ]
        return ReplayReport(hours: hours, seed: seed, results: results)
    }

    /// A plain-text table: totals per strategy (CPU relative to always-teacher, accuracy change
    /// in points), then per model.
    public var table: String {
        guard let teacher = results.first else { return "" }
        var lines = [String(format: "replay: %.1f h, seed %llu, %d requests", hours, seed, teacher.requests), ""]
        func row(_ cells: [String]) -> String {
            zip(cells, [18, 24, 12, 12, 12, 10]).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined().replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        lines.append(row(["strategy", "model", "CPU-s", "vs teacher", "accuracy", "Δ points", ]) + "  switches")
        for result in results {
            let entries = [("all (req-weighted)", result.cpuSeconds, teacher.cpuSeconds, result.accuracy, teacher.accuracy, result.switches)]
                + zip(result.models, teacher.models).map { ($0.model, $0.cpuSeconds, $1.cpuSeconds, $0.accuracy, $1.accuracy, $0.switches) }
            for (i, entry) in entries.enumerated() {
                let relative = entry.2 > 0 ? String(format: "%+.1f%%", 100 * (entry.1 / entry.2 - 1)) : "-"
                lines.append(row([i == 0 ? result.strategy : "", entry.0, String(format: "%.1f", entry.1), relative,
                                  String(format: "%.4f", entry.3), String(format: "%+.2f", 100 * (entry.3 - entry.4))])
                             + "  \(entry.5)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
