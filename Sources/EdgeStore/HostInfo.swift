import Foundation

/// Identifies the machine a device profile was measured on.
public enum HostInfo {
    /// The host name (empty names become "unknown").
    public static func hostname() -> String {
        let name = ProcessInfo.processInfo.hostName
        return name.isEmpty ? "unknown" : String(name.prefix(256))
    }

    /// The first `model name` line of `<root>/proc/cpuinfo` (x86), else `CPU part`/`Hardware`
    /// (aarch64), else "unknown". The file is untrusted: only the first 64 KiB are read and
    /// control characters are dropped.
    public static func cpuModel(root: String = "") -> String {
        guard let handle = FileHandle(forReadingAtPath: root + "/proc/cpuinfo") else { return "unknown" }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 64 * 1024)) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        for key in ["model name", "Hardware", "CPU part"] {
            for line in text.split(separator: "\n") where line.hasPrefix(key) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                let clean = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 }).prefix(256))
                if !clean.isEmpty { return clean }
            }
        }
        return "unknown"
    }
}
