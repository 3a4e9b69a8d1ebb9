import ArgumentParser
import EdgeRuntime
import Foundation

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print a model's inputs, outputs, ops, parameters, MACs, size and metadata.")

    @Argument(help: "Model file (.edge or .onnx).") var model: String

    func run() throws {
        let m = try ModelLoading.load(model)
        let g = m.graph
        let size = (try? FileManager.default.attributesOfItem(atPath: model)[.size] as? Int) ?? 0
        print("model       \(m.metadata.name) (task: \(m.metadata.task), variant: \(m.metadata.variant.name), method: \(m.metadata.variant.method))")
        print("file        \(model) (\(size) bytes)")
        for i in g.runtimeInputs { print("input       \(i.name): \(i.dtype)\(i.shape.map { "\($0)" } ?? "[?]")") }
        for o in g.outputs { print("output      \(o.name): \(o.dtype)\(o.shape.map { "\($0)" } ?? "[?]")") }
        var counts: [String: Int] = [:]
        for n in g.nodes { counts[n.op, default: 0] += 1 }
        print("nodes       \(g.nodes.count)")
        print("ops         " + counts.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))
        print("parameters  \(CostModel.parameterCount(g))")
        do {
            let session = try InferenceSession(graph: g)
            let plan = try session.plan(for: session.inputs.map { info in
                try Tensor(zeros: info.dtype, shape: (info.shape ?? []).map { $0.value ?? 1 })
            })
            print("macs        \(CostModel.macs(of: plan)) (symbolic dims = 1)")
            print("kernels     \(plan.stepCount) per inference, arena \(plan.arenaBytes) bytes")
        } catch {
            print("macs        unavailable: \(error)")
        }
        if !m.metadata.labels.isEmpty { print("labels      \(m.metadata.labels.joined(separator: ", "))") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let json = try? encoder.encode(m.metadata), let text = String(data: json, encoding: .utf8) {
            print("metadata    \(text)")
        }
    }
}
