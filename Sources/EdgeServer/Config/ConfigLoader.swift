import Foundation
import Logging
import Yams

/// Reads `DaemonConfig` from YAML text or a file. Each key is read by hand (not Codable) so an
/// unknown or mistyped key is an error naming its full path, e.g. `limits.max_body_byte`.
public enum ConfigLoader {
    /// Config files bigger than this are refused before parsing.
    public static let maxFileBytes = 1 << 20

    public static func load(path: String) throws(ConfigError) -> DaemonConfig {
        let data: Data
        do {
            let attrs = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attrs[.size] as? Int, size > maxFileBytes {
                throw ConfigError("config file \(path) is \(size) bytes; the limit is \(maxFileBytes)")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let e as ConfigError {
            throw e
        } catch {
            throw ConfigError("cannot read config file \(path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigError("config file \(path) is not UTF-8") }
        do {
            return try parse(text)
        } catch {
            throw ConfigError("\(path): \(error.message)")
        }
    }

    /// Parses YAML text; an empty document yields the defaults.
    public static func parse(_ text: String) throws(ConfigError) -> DaemonConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError("invalid YAML: \(error)")
        }
        var config = DaemonConfig()
        guard let root else { return config }
        var top = try Table(root, path: "")
        config.socket = try top.string("socket") ?? config.socket
        config.stateDir = try top.string("state_dir") ?? config.stateDir
        config.modelsDir = try top.string("models_dir") ?? config.modelsDir
        config.eventLoopThreads = try top.int("event_loop_threads") ?? config.eventLoopThreads
        if let level = try top.string("log_level") {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw ConfigError("log_level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got '\(level)'")
            }
            config.logLevel = parsed
        }
        if var t = try top.table("limits") {
            config.limits.maxHeaderBytes = try t.int("max_header_bytes") ?? config.limits.maxHeaderBytes
            config.limits.maxBodyBytes = try t.int("max_body_bytes") ?? config.limits.maxBodyBytes
            config.limits.maxConnections = try t.int("max_connections") ?? config.limits.maxConnections
            config.limits.requestTimeoutMs = try t.int("request_timeout_ms") ?? config.limits.requestTimeoutMs
            config.limits.idleTimeoutMs = try t.int("idle_timeout_ms") ?? config.limits.idleTimeoutMs
            config.limits.drainTimeoutMs = try t.int("drain_timeout_ms") ?? config.limits.drainTimeoutMs
            try t.finish()
        }
        if var t = try top.table("inference") {
            config.inference.workers = try t.int("workers") ?? config.inference.workers
            config.inference.queueCapacity = try t.int("queue_capacity") ?? config.inference.queueCapacity
            config.inference.retryAfterSeconds = try t.int("retry_after_s") ?? config.inference.retryAfterSeconds
            try t.finish()
        }
        if var t = try top.table("event_log") {
            config.eventLog.summaryIntervalSeconds = try t.int("summary_interval_s") ?? config.eventLog.summaryIntervalSeconds
            try t.finish()
        }
        if var t = try top.table("voice") {
            config.voice.microphoneOnStart = try t.bool("microphone_on_start") ?? config.voice.microphoneOnStart
            config.voice.sseWriteTimeoutMs = try t.int("sse_write_timeout_ms") ?? config.voice.sseWriteTimeoutMs
            try t.finish()
        }
        if var t = try top.table("access") {
            for group in RouteGroup.allCases {
                guard var g = try t.table(group.rawValue) else { continue }
                var rule = config.access[group]!
                rule.allowAny = try g.bool("allow_any") ?? rule.allowAny
                rule.uids = try g.ids("uids") ?? rule.uids
                rule.gids = try g.ids("gids") ?? rule.gids
                try g.finish()
                config.access[group] = rule
            }
            try t.finish()
        }
        try top.finish()
        try config.validate()
        return config
    }

    /// A YAML mapping whose keys are consumed one by one; `finish` rejects the rest.
    struct Table {
        var entries: [String: Node] = [:]
        let path: String

        init(_ node: Node, path: String) throws(ConfigError) {
            self.path = path
            guard case .mapping(let mapping) = node else {
                throw ConfigError("\(path.isEmpty ? "the config" : path) must be a mapping of keys to values")
            }
            for (k, v) in mapping {
                guard let key = k.string else { throw ConfigError("\(name("?")): keys must be strings") }
                entries[key] = v
            }
        }

        func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        mutating func take(_ key: String) -> Node? { entries.removeValue(forKey: key) }

        mutating func scalar(_ key: String) throws(ConfigError) -> Node.Scalar? {
            guard let node = take(key) else { return nil }
            guard case .scalar(let s) = node else { throw ConfigError("\(name(key)) must be a single value") }
            return s
        }

        mutating func string(_ key: String) throws(ConfigError) -> String? {
            try scalar(key)?.string
        }

        mutating func int(_ key: String) throws(ConfigError) -> Int? {
            guard let s = try scalar(key) else { return nil }
            guard let v = Int(s.string) else { throw ConfigError("\(name(key)) must be an integer, got '\(s.string)'") }
            return v
        }

        mutating func bool(_ key: String) throws(ConfigError) -> Bool? {
            guard let s = try scalar(key) else { return nil }
            switch s.string {
            case "true": return true
            case "false": return false
            default: throw ConfigError("\(name(key)) must be true or false, got '\(s.string)'")
            }
        }

        mutating func ids(_ key: String) throws(ConfigError) -> [UInt32]? {
            guard let node = take(key) else { return nil }
            guard case .sequence(let seq) = node else { throw ConfigError("\(name(key)) must be a list of numeric ids") }
            var out: [UInt32] = []
            for item in seq {
                guard let s = item.string, let id = UInt32(s) else {
                    throw ConfigError("\(name(key)) must hold numeric ids (0…4294967295), got '\(item.string ?? "?")'")
                }
                out.append(id)
            }
            return out
        }

        mutating func table(_ key: String) throws(ConfigError) -> Table? {
            guard let node = take(key) else { return nil }
            return try Table(node, path: name(key))
        }

        func finish() throws(ConfigError) {
            if let unknown = entries.keys.sorted().first {
                throw ConfigError("unknown config key '\(name(unknown))' (docs/CONFIG.md lists the keys)")
            }
        }
    }
}
