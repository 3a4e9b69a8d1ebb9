import EdgeRuntime
import Foundation

/// Inputs for comparing a compressed model with its original: a directory of `.npy` files named
/// after the model's inputs. Two layouts (one per directory):
///
/// - one sub-directory per sample: `DIR/<sample>/<input>.npy` (e.g. `DIR/0/x.npy`);
/// - flat: `DIR/<input>_<sample>.npy` (e.g. `DIR/x_0.npy`, `DIR/x_1.npy`).
///
/// Samples are ordered by name (numerically when names are numbers); every sample must give
/// every runtime input of the model. Non-.npy files are ignored.
public struct EvalSet: Sendable {
    /// One feed dictionary per sample, with the sample's name.
    public var samples: [(name: String, feeds: [String: Tensor])]

    /// A set from samples already in memory.
    public init(samples: [(name: String, feeds: [String: Tensor])]) { self.samples = samples }

    /// Loads `dir` for a model with runtime inputs `inputs`; `flag` names the option in errors.
    /// Throws `invalid_input` if the directory is missing or empty, or a sample lacks an input.
    public init(directory dir: String, inputs: [String], flag: String = "--eval") throws(EdgeError) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw EdgeError(.invalidInput, "\(flag) \(dir) is not a directory")
        }
        let entries = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }
        let subdirs = entries.filter { e in
            var d: ObjCBool = false
            return fm.fileExists(atPath: (dir as NSString).appendingPathComponent(e), isDirectory: &d) && d.boolValue
        }
        var found: [String: [String: String]] = [:]  // sample → input → path
        if !subdirs.isEmpty {
            for s in subdirs {
                let sub = (dir as NSString).appendingPathComponent(s)
                for input in inputs {
                    let path = (sub as NSString).appendingPathComponent("\(input).npy")
                    if fm.fileExists(atPath: path) { found[s, default: [:]][input] = path }
                }
                if found[s] == nil { found[s] = [:] }
            }
        } else {
            for e in entries where e.hasSuffix(".npy") {
                let stem = String(e.dropLast(4))
                // The longest input name that prefixes "<input>_" wins (inputs may contain '_').
                guard let input = inputs.filter({ stem.hasPrefix($0 + "_") }).max(by: { $0.count < $1.count }) else { continue }
                let sample = String(stem.dropFirst(input.count + 1))
                guard !sample.isEmpty else { continue }
                found[sample, default: [:]][input] = (dir as NSString).appendingPathComponent(e)
            }
        }
        guard !found.isEmpty else {
            throw EdgeError(.invalidInput, "\(flag) \(dir) holds no samples: expected DIR/<sample>/<input>.npy or DIR/<input>_<sample>.npy for inputs \(inputs.joined(separator: ", "))")
        }
        let names = found.keys.sorted { a, b in
            if let x = Int(a), let y = Int(b) { return x < y }
            return a < b
        }
        var samples: [(String, [String: Tensor])] = []
        for name in names {
            var feeds: [String: Tensor] = [:]
            for input in inputs {
                guard let path = found[name]?[input] else {
                    throw EdgeError(.invalidInput, "\(flag) sample '\(name)' has no file for input '\(input)'")
                }
                feeds[input] = try Npy.read(path: path)
            }
            samples.append((name, feeds))
        }
        self.samples = samples
    }

    /// Loads `dir` and checks every sample against the model's declared inputs (dtype, and
    /// shape where the model fixes it), so a wrong file fails with its name, not inside a kernel.
    public init(directory dir: String, model inputs: [ValueInfo], flag: String = "--eval") throws(EdgeError) {
        try self.init(directory: dir, inputs: inputs.map(\.name), flag: flag)
        for sample in samples {
            for info in inputs {
                guard let t = sample.feeds[info.name] else { continue }
                guard t.dtype == info.dtype, info.accepts(t.shape) else {
                    let expected = info.shape.map { "[" + $0.map(\.description).joined(separator: ", ") + "]" } ?? "any shape"
                    throw EdgeError(.invalidInput, "\(flag) sample '\(sample.name)': input '\(info.name)' is \(t.dtype) \(t.shape), the model expects \(info.dtype) \(expected)")
                }
            }
        }
    }
}
