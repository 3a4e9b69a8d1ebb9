import EdgeRuntime
import Foundation

/// Runs the TTS command-line tools (found on PATH) and reports failures as `EdgeError`s.
enum ToolRunner {
    /// Full path of `tool` on PATH.
    static func locate(_ tool: String) throws(EdgeError) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw EdgeError(.unsupported, "\(tool) is not installed (apt-get install espeak-ng flite, or `make models-deps`)")
    }

    /// Runs `tool args`, returns stdout; a non-zero exit is an error carrying stderr unless
    /// `anyStatus` (flite exits 1 after printing its version).
    @discardableResult
    static func output(of tool: String, _ args: [String], anyStatus: Bool = false) throws(EdgeError) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try locate(tool))
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { throw EdgeError(.io, "cannot start \(tool): \(error.localizedDescription)") }
        // Read before waiting: a full pipe would otherwise block the child forever.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 || anyStatus else {
            throw EdgeError(.io, "\(tool) \(args.joined(separator: " ")) failed (\(p.terminationStatus)): \(String(decoding: stderr, as: UTF8.self))")
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    /// Version lines of the tools, recorded with the data set (same seed + same versions → same bytes).
    static func versions() -> [String: String] {
        var v = [String: String]()
        if let s = try? output(of: "espeak-ng", ["--version"]) { v["espeak-ng"] = s.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let s = try? output(of: "flite", ["--version"], anyStatus: true) {
            v["flite"] = s.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? s
        }
        return v
    }
}
