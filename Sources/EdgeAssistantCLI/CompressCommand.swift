import ArgumentParser
import EdgeCompress
import EdgeRuntime
import Foundation

struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Prune, channel-prune, low-rank factor or quantize a float model; write it with a size/speed/agreement report.",
        discussion: """
        Methods: prune (--sparsity S [--scope layer|global]), channel-prune (--ratio R [--norm l1|l2]),
        lowrank (--rank-ratio R | --energy E), int8 (--calibration DIR [--observer minmax|percentile|mse|entropy]
        [--weights per-channel|per-tensor] [--activations uint8|int8] [--bias-correction]
        [--max-drop X --eval DIR]), int8-dynamic, int4 (--group G); join several with '+' to apply
        them in order, e.g. --method channel-prune+int8. Writes OUT, OUT.report.json and OUT.report.md
        (OUT without its extension). --eval DIR compares outputs with the original on
        DIR/<sample>/<input>.npy or DIR/<input>_<sample>.npy.
        """)

    @Argument(help: "Model file (.edge or .onnx).") var model: String
    @Option(name: .shortAndLong, help: "Output model file (.edge).") var output: String
    @Option(help: "prune, channel-prune, lowrank, int8, int8-dynamic, int4, or a recipe like channel-prune+int8.") var method: String
    @Option(help: "prune: fraction of weights to zero, in (0, 1).") var sparsity: Double?
    @Option(help: "prune: rank weights per layer or globally.") var scope: String = "layer"
    @Option(help: "channel-prune: fraction of output channels to remove, in (0, 1).") var ratio: Double?
    @Option(help: "channel-prune: filter norm, l1 or l2.") var norm: String = "l1"
    @Option(name: .customLong("rank-ratio"), help: "lowrank: rank as a fraction of min(K, N), in (0, 1).") var rankRatio: Double?
    @Option(help: "lowrank: keep this fraction of the squared singular values, in (0, 1).") var energy: Double?
    @Option(help: "int8: directory of .npy calibration samples (DIR/<sample>/<input>.npy or DIR/<input>_<sample>.npy).") var calibration: String?
    @Option(help: "int8: activation range observer: minmax, percentile, mse or entropy.") var observer: String = "minmax"
    @Option(help: "int8 percentile observer: percent of values kept, in (50, 100].") var percentile: Double = 99.99
    @Option(help: "int8/int8-dynamic: weight scales per-channel or per-tensor.") var weights: String = "per-channel"
    @Option(help: "int8: activation type, uint8 or int8.") var activations: String = "uint8"
    @Flag(name: .customLong("bias-correction"), help: "int8: correct each layer's bias for the mean weight-quantization error.") var biasCorrection = false
    @Option(name: .customLong("max-drop"), help: "int8: keep the most sensitive layers float until 1 − top-1 agreement (or 1 − cosine) on --eval is at most this.") var maxDrop: Double?
    @Option(help: "int4: weights per scale group (even).") var group: Int = 32
    @Option(help: "Directory of .npy samples for the agreement check.") var eval: String?
    @Option(help: "Variant name stored in the metadata (default <parent>-<method>).") var variant: String?
    @Option(help: "Timed runs per model for the report.") var runs: Int = 50
    @Option(help: "Intra-op threads for the measurements.") var threads: Int = 1

    func validate() throws {
        guard runs > 0, threads > 0 else { throw ValidationError("--runs and --threads must be positive") }
    }

    func run() throws {
        var o = RecipeOptions()
        o.sparsity = sparsity; o.scope = scope; o.ratio = ratio; o.norm = norm; o.rankRatio = rankRatio; o.energy = energy
        o.observer = observer; o.percentile = percentile; o.weights = weights; o.activations = activations
        o.biasCorrection = biasCorrection; o.group = group
        let steps = try Recipe.parse(method, o)
        let m = try ModelLoading.load(model)
        var options = Compressor.Options()
        options.evalDirectory = eval
        options.calibrationDirectory = calibration
        options.maxDrop = maxDrop
        options.runs = runs
        options.threads = threads
        options.variantName = variant
        let report = try Compressor.run(m, inputPath: model, outputPath: output, steps: steps, options: options)
        let (json, md) = CompressionReport.paths(for: output)
        let changed = report.steps.flatMap(\.layers).filter(\.changed).count
        print("wrote \(output) (\(report.compressed.sizeBytes) bytes, was \(report.original.sizeBytes)); \(changed) layer(s) changed")
        print(String(format: "latency p50 %.3f → %.3f ms, MACs %d → %d", report.original.latencyP50Ms, report.compressed.latencyP50Ms,
                     report.original.macs, report.compressed.macs))
        if let a = report.agreement {
            print(String(format: "agreement over %d samples: cosine %.6f, max |Δ| %.4g", a.samples, a.cosineSimilarity, a.maxAbsDiff)
                  + (a.top1Agreement.map { String(format: ", top-1 %.4f", $0) } ?? ""))
        }
        print("reports: \(json), \(md)")
    }
}
