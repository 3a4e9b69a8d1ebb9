import EdgeAudio
import EdgeRuntime
import Foundation

/// What `SpeechDataValidator` found: every problem in words, and the class counts.
public struct SpeechDataReport: Sendable {
    /// Human-readable problems; empty means the set is fit to train on.
    public var problems: [String] = []
    /// Clips per split and label.
    public var counts: [SpeechSplit: [String: Int]] = [:]
    public var isValid: Bool { problems.isEmpty }

    /// A short text table plus the problems (at most `limit` listed).
    public func render(limit: Int = 50) -> String {
        var lines = ["split        " + SpeechLabels.all.map { $0.padding(toLength: 10, withPad: " ", startingAt: 0) }.joined()]
        for split in SpeechSplit.allCases {
            let c = counts[split] ?? [:]
            lines.append(split.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
                         + SpeechLabels.all.map { String(c[$0] ?? 0).padding(toLength: 10, withPad: " ", startingAt: 0) }.joined())
        }
        lines += problems.prefix(limit).map { "problem: \($0)" }
        if problems.count > limit { lines.append("… and \(problems.count - limit) more problems") }
        lines.append(isValid ? "OK" : "INVALID: \(problems.count) problem(s)")
        return lines.joined(separator: "\n")
    }
}

/// Checks a generated data set before training uses it: bad data is reported, never silently
/// trained on.
///
/// Per clip: the WAV decodes, is 16 kHz mono and exactly 1 s, holds finite samples, and its
/// label is one of the 12. Per split: no class is empty, `features.npy` is float32
/// `[N, 1, 98, 40]` with N = the split's clips and no NaN/∞, `labels.npy` is int64 `[N]` and
/// agrees with the manifest. Across splits: no voice appears in two splits.
public enum SpeechDataValidator {
    public static func validate(directory: String) throws(EdgeError) -> SpeechDataReport {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(Manifest.fileName)") else {
            throw EdgeError(.io, "no \(Manifest.fileName) in \(directory): not a generated speech data set")
        }
        let entries = try Manifest.decode(Array(data))
        var report = SpeechDataReport()
        var voiceSplits = [String: Set<SpeechSplit>]()
        var rowsBySplit = [SpeechSplit: [Int: Int]]()   // row → label index
        for e in entries {
            report.counts[e.split, default: [:]][e.label, default: 0] += 1
            if let v = e.voice { voiceSplits[v, default: []].insert(e.split) }
            if SpeechLabels.index(of: e.label) != e.labelIndex {
                report.problems.append("\(e.path): label '\(e.label)' does not match label index \(e.labelIndex)")
            }
            if rowsBySplit[e.split, default: [:]].updateValue(e.labelIndex, forKey: e.row) != nil {
                report.problems.append("\(e.path): row \(e.row) of \(e.split.rawValue) is used twice")
            }
            report.problems += checkClip("\(directory)/\(e.path)", name: e.path)
        }
        for split in SpeechSplit.allCases {
            for label in SpeechLabels.all where (report.counts[split]?[label] ?? 0) == 0 {
                report.problems.append("empty class: \(split.rawValue) has no '\(label)' clips")
            }
            report.problems += checkTensors(directory, split: split, labelsByRow: rowsBySplit[split] ?? [:])
        }
        for (voice, splits) in voiceSplits.sorted(by: { $0.key < $1.key }) where splits.count > 1 {
            report.problems.append("voice \(voice) appears in \(splits.map(\.rawValue).sorted().joined(separator: " and "))")
        }
        return report
    }

    /// Problems of one WAV file.
    static func checkClip(_ path: String, name: String) -> [String] {
        guard let bytes = FileManager.default.contents(atPath: path) else { return ["\(name): missing"] }
        let clip: AudioClip
        do { clip = try WAVDecoder.decode(Array(bytes)) } catch { return ["\(name): \(error.message)"] }
        var out = [String]()
        if clip.sampleRate != LogMelFrontend.Contract.sampleRate {
            out.append("\(name): wrong sample rate \(clip.sampleRate) Hz (expected 16000)")
        }
        if clip.channels != 1 { out.append("\(name): \(clip.channels) channels (expected mono)") }
        if clip.frameCount != LogMelFrontend.Contract.clipSamples {
            out.append("\(name): clip length \(clip.frameCount) samples (expected 16000 = 1 s)")
        }
        return out
    }

    /// Problems of one split's `features.npy` and `labels.npy`.
    static func checkTensors(_ directory: String, split: SpeechSplit, labelsByRow: [Int: Int]) -> [String] {
        let n = labelsByRow.count
        let base = "\(directory)/\(split.rawValue)"
        var out = [String]()
        let want = [n, 1, LogMelFrontend.Contract.clipFrames, LogMelFrontend.Contract.melBands]
        do {
            let f = try Npy.read(path: "\(base)/features.npy")
            if f.dtype != .float32 || f.shape != want {
                out.append("\(split.rawValue)/features.npy is \(f.dtype) \(f.shape), expected float32 \(want)")
            } else if let bad = f.scalars(as: Float.self).firstIndex(where: { !$0.isFinite }) {
                out.append("\(split.rawValue)/features.npy: NaN or infinity in row \(bad / (98 * 40))")
            }
        } catch { out.append(error.message) }
        do {
            let l = try Npy.read(path: "\(base)/labels.npy")
            if l.dtype != .int64 || l.shape != [n] {
                out.append("\(split.rawValue)/labels.npy is \(l.dtype) \(l.shape), expected int64 [\(n)]")
            } else {
                let values = l.scalars(as: Int64.self)
                let wrong = (0..<n).filter { labelsByRow[$0].map(Int64.init) != values[$0] }
                if let r = wrong.first {
                    out.append("\(split.rawValue)/labels.npy disagrees with the manifest in \(wrong.count) row(s), first row \(r)")
                }
            }
        } catch { out.append(error.message) }
        return out
    }
}
