import Foundation

/// Reads small kernel attribute files (sysfs, procfs, cgroupfs) under a root directory, so tests
/// can point the readers at a fake tree. Every file is untrusted: only regular files are opened
/// (a FIFO planted in a fake tree must not hang a tick), reads are capped, and anything that
/// cannot be parsed is reported to the `SignalIssues` of the tick instead of thrown.
public struct SignalFiles: Sendable {
    /// The directory that stands for `/` of this tree (e.g. `/sys` or a temp dir).
    public var root: String
    /// Largest number of bytes read from one file; kernel attributes are far smaller.
    public static let maxBytes = 64 * 1024

    public init(root: String) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
    }

    /// The absolute path of `relative` under the root.
    public func path(_ relative: String) -> String {
        relative.hasPrefix("/") ? root + relative : root + "/" + relative
    }

    /// Whether `relative` exists (file or directory).
    public func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }

    /// Sorted names in directory `relative`; empty when it does not exist.
    public func list(_ relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path(relative))) ?? []).sorted()
    }

    /// The whole text of `relative`, or nil when it is missing. An unreadable or non-regular file
    /// is recorded as an issue (keyed by its path) and returns nil.
    public func text(_ relative: String, issues: inout SignalIssues) -> String? {
        let full = path(relative)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: full) else { return nil }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            issues.report(full, "\(full) is not a regular file; ignored")
            return nil
        }
        guard let handle = FileHandle(forReadingAtPath: full) else {
            issues.report(full, "\(full) cannot be opened; ignored")
            return nil
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: Self.maxBytes) ?? Data()
        } catch {
            issues.report(full, "\(full) cannot be read (\(error)); ignored")
            return nil
        }
        guard let string = String(data: data, encoding: .utf8) else {
            issues.report(full, "\(full) is not UTF-8 text; ignored")
            return nil
        }
        return string
    }

    /// The trimmed single-line value of `relative`, or nil when missing or empty.
    public func value(_ relative: String, issues: inout SignalIssues) -> String? {
        guard let text = text(relative, issues: &issues) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A finite number read from `relative`. Missing → nil silently when `required` is false;
    /// present but garbled (or missing when `required`) → nil plus an issue.
    public func number(_ relative: String, required: Bool = false, issues: inout SignalIssues) -> Double? {
        guard let raw = value(relative, issues: &issues) else {
            if required { issues.report(path(relative), "\(path(relative)) is missing or empty; signal ignored") }
            return nil
        }
        guard let number = Double(raw), number.isFinite else {
            issues.report(path(relative), "\(path(relative)) holds \(Self.quote(raw)), not a number; signal ignored")
            return nil
        }
        return number
    }

    /// A short, printable rendering of untrusted file content for a warning.
    static func quote(_ raw: String) -> String {
        let clipped = raw.count > 40 ? String(raw.prefix(40)) + "…" : raw
        return "\"" + clipped.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "?" }.joined() + "\""
    }
}

/// The problems found while reading signals during one tick, keyed so the same broken file is
/// reported once (see `WarningDeduplicator`), not on every tick.
public struct SignalIssues: Sendable, Equatable {
    /// key (usually the file path) → message.
    public private(set) var messages: [String: String] = [:]

    public init() {}

    /// Records a problem; a second report with the same key in the same tick keeps the first.
    public mutating func report(_ key: String, _ message: String) {
        if messages[key] == nil { messages[key] = message }
    }
}

/// Turns per-tick issues into warnings worth logging: a key warns when it first appears, stays
/// quiet while it persists, and may warn again after it has been healthy for a tick.
public struct WarningDeduplicator: Sendable {
    private var active: Set<String> = []

    public init() {}

    /// Messages for the issues that were not present on the previous tick, sorted by key.
    public mutating func newWarnings(from issues: SignalIssues) -> [String] {
        let keys = Set(issues.messages.keys)
        let fresh = keys.subtracting(active).sorted()
        active = keys
        return fresh.compactMap { issues.messages[$0] }
    }

    /// The issues currently persisting (for the status snapshot).
    public var activeKeys: [String] { active.sorted() }
}
