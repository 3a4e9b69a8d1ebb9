import EdgeRuntime
import Foundation

/// What one step of a recipe did.
public struct StepReport: Sendable, Codable, Equatable {
    public var method: String
    public var parameters: [String: String]
    public var layers: [LayerChange]
    /// Step-level findings (mixed precision's measured drop, …); may be empty.
    public var notes: [String]? = nil
}

/// Size, cost and speed of one model on this machine.
public struct ModelFigures: Sendable, Codable, Equatable {
    public var sizeBytes: Int
    public var parameters: Int
    /// Weights that are not exactly zero (what unstructured pruning reduces).
    public var nonzeroParameters: Int
    /// Dense multiply-accumulates per inference (CostModel; sparse kernels skip the zeros).
    public var macs: Int
    public var latencyP50Ms: Double
    public var latencyP99Ms: Double
    public var cpuMsPerInference: Double
}

/// The record of one `compress` run, written as OUT.report.json and OUT.report.md.
public struct CompressionReport: Sendable, Codable, Equatable {
    public var input: String
    public var output: String
    public var method: String
    public var parameters: [String: String]
    public var steps: [StepReport]
    public var original: ModelFigures
    public var compressed: ModelFigures
    public var agreement: Agreement?
    public var measuredOn: String

    /// Report paths for a model path: `x.edge` → `x.report.json`, `x.report.md`.
    public static func paths(for output: String) -> (json: String, markdown: String) {
        let base = (output as NSString).deletingPathExtension
        return (base + ".report.json", base + ".report.md")
    }

    func write(beside output: String) throws(EdgeError) {
        let (jsonPath, mdPath) = Self.paths(for: output)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: jsonPath), options: .atomic)
            try Data(markdown.utf8).write(to: URL(fileURLWithPath: mdPath), options: .atomic)
        } catch {
            throw EdgeError(.io, "cannot write the report beside \(output): \(error.localizedDescription)")
        }
    }

    /// Human-readable summary: before/after table, agreement, per-layer changes.
    public var markdown: String {
        func ratio(_ a: Double, _ b: Double) -> String { b > 0 ? String(format: "%.2f×", a / b) : "–" }
        func row(_ name: String, _ a: String, _ b: String, _ r: String) -> String { "| \(name) | \(a) | \(b) | \(r) |" }
        let o = original, c = compressed
        var lines = [
            "# Compression report: \(method)", "",
            "- input: `\(input)`", "- output: `\(output)`",
            "- parameters: " + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "),
            "- measured on: \(measuredOn)", "",
            "| figure | original | compressed | original / compressed |", "|---|---|---|---|",
            row("bytes on disk", "\(o.sizeBytes)", "\(c.sizeBytes)", ratio(Double(o.sizeBytes), Double(c.sizeBytes))),
            row("parameters", "\(o.parameters)", "\(c.parameters)", ratio(Double(o.parameters), Double(c.parameters))),
            row("nonzero parameters", "\(o.nonzeroParameters)", "\(c.nonzeroParameters)", ratio(Double(o.nonzeroParameters), Double(c.nonzeroParameters))),
            row("MACs (dense)", "\(o.macs)", "\(c.macs)", ratio(Double(o.macs), Double(c.macs))),
            row("latency p50 ms", String(format: "%.3f", o.latencyP50Ms), String(format: "%.3f", c.latencyP50Ms), ratio(o.latencyP50Ms, c.latencyP50Ms)),
            row("latency p99 ms", String(format: "%.3f", o.latencyP99Ms), String(format: "%.3f", c.latencyP99Ms), ratio(o.latencyP99Ms, c.latencyP99Ms)),
            row("CPU ms / inference", String(format: "%.3f", o.cpuMsPerInference), String(format: "%.3f", c.cpuMsPerInference), ratio(o.cpuMsPerInference, c.cpuMsPerInference)),
            "",
        ]
        if let a = agreement {
            lines += ["## Agreement with the original (\(a.samples) samples)", "",
                      "- cosine similarity: mean \(String(format: "%.6f", a.cosineSimilarity)), min \(String(format: "%.6f", a.minCosineSimilarity))",
                      "- max abs diff: \(String(format: "%.6g", a.maxAbsDiff))",
                      "- top-1 agreement: " + (a.top1Agreement.map { String(format: "%.4f", $0) } ?? "n/a (no classifier-like output)"), ""]
        }
        for s in steps {
            let notes = s.notes ?? []
            lines += ["## \(s.method)", ""] + notes.map { "- \($0)" } + (notes.isEmpty ? [] : [""])
            lines += ["| layer | op | result |", "|---|---|---|"]
            lines += s.layers.map { "| \($0.node) | \($0.op) | \($0.detail) |" }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
