import EdgeMatch
import EdgeRuntime
import Foundation
import GRDB

/// A model variant file the daemon serves.
public struct ModelRecord: Sendable, Equatable, Codable {
    public var family: String
    public var variant: String
    /// Path of the `.edge` file as configured.
    public var file: String
    /// Content checksum of the file (e.g. `crc32c:1a2b3c4d` or a SHA-256 hex string): device
    /// profiles belong to one file content, so a replaced file is re-measured.
    public var checksum: String
    public var bytes: Int
    public var registeredAt: Date

    public init(family: String, variant: String, file: String, checksum: String, bytes: Int, registeredAt: Date = Date()) {
        self.family = family
        self.variant = variant
        self.file = file
        self.checksum = checksum
        self.bytes = bytes
        self.registeredAt = registeredAt
    }

    func validate() throws(EdgeError) {
        try SafeName.validate(family, what: "model family")
        try SafeName.validate(variant, what: "model variant")
        try DeviceProfile.checkText(file, "model file path", max: 4096)
        try DeviceProfile.checkText(checksum, "model checksum", max: 128)
        guard bytes >= 0 else { throw EdgeError(.invalidInput, "model \(family)/\(variant): bytes \(bytes) is negative") }
    }
}

/// What one variant costs on one machine, measured there.
public struct DeviceProfile: Sendable, Equatable, Codable {
    public var family: String
    public var variant: String
    /// The checksum of the file that was measured (must match the registered one).
    public var checksum: String
    public var latencyP50Ms: Double
    public var latencyP99Ms: Double
    /// CPU time per inference (user + system), which the governor's budget is in.
    public var cpuMs: Double
    public var measuredAt: Date
    public var host: String
    public var cpuModel: String

    public init(family: String, variant: String, checksum: String, latencyP50Ms: Double, latencyP99Ms: Double,
                cpuMs: Double, measuredAt: Date = Date(), host: String = HostInfo.hostname(), cpuModel: String = HostInfo.cpuModel()) {
        self.family = family
        self.variant = variant
        self.checksum = checksum
        self.latencyP50Ms = latencyP50Ms
        self.latencyP99Ms = latencyP99Ms
        self.cpuMs = cpuMs
        self.measuredAt = measuredAt
        self.host = host
        self.cpuModel = cpuModel
    }

    func validate() throws(EdgeError) {
        try SafeName.validate(family, what: "model family")
        try SafeName.validate(variant, what: "model variant")
        try Self.checkText(checksum, "profile checksum", max: 128)
        try Self.checkText(host, "host", max: 256)
        try Self.checkText(cpuModel, "cpu model", max: 256)
        for (name, v) in [("latency p50", latencyP50Ms), ("latency p99", latencyP99Ms), ("cpu_ms", cpuMs)] {
            guard v.isFinite, v >= 0, v <= 3_600_000 else { throw EdgeError(.invalidInput, "\(family)/\(variant): \(name) \(v) ms is not a duration") }
        }
        guard latencyP99Ms >= latencyP50Ms else {
            throw EdgeError(.invalidInput, "\(family)/\(variant): latency p99 \(latencyP99Ms) ms is below p50 \(latencyP50Ms) ms")
        }
    }

    static func checkText(_ s: String, _ what: String, max: Int) throws(EdgeError) {
        guard !s.isEmpty, s.utf8.count <= max, !s.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw EdgeError(.invalidInput, "\(what) must be 1–\(max) bytes of printable text")
        }
    }
}

extension StateStore {
    /// Registers or replaces a variant's file record.
    public func registerModel(_ model: ModelRecord) async throws {
        try model.validate()
        try await write { db in
            try db.execute(sql: """
                INSERT INTO models (family, variant, file, checksum, bytes, registered_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(family, variant) DO UPDATE SET file = excluded.file, checksum = excluded.checksum,
                    bytes = excluded.bytes, registered_at = excluded.registered_at
                """, arguments: [model.family, model.variant, model.file, model.checksum, model.bytes, model.registeredAt.timeIntervalSince1970])
        }
    }

    /// All registered variants, by family then variant.
    public func models() async throws -> [ModelRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM models ORDER BY family, variant").map { r in
                ModelRecord(family: r["family"], variant: r["variant"], file: r["file"], checksum: r["checksum"],
                            bytes: r["bytes"], registeredAt: Date(timeIntervalSince1970: r["registered_at"]))
            }
        }
    }

    /// Stores a measurement; the variant must be registered with the same checksum (a profile
    /// of another file would mislead the governor). Returns the profile's id.
    @discardableResult
    public func recordProfile(_ p: DeviceProfile) async throws -> Int64 {
        try p.validate()
        return try await write { db in
            guard let current = try String.fetchOne(db, sql: "SELECT checksum FROM models WHERE family = ? AND variant = ?",
                                                    arguments: [p.family, p.variant]) else {
                throw EdgeError(.invalidInput, "model \(p.family)/\(p.variant) is not registered; register it before profiling")
            }
            guard current == p.checksum else {
                throw EdgeError(.invalidInput, "profile of \(p.family)/\(p.variant) measured checksum \(p.checksum), but the registered file has \(current)")
            }
            try db.execute(sql: """
                INSERT INTO device_profiles (family, variant, checksum, latency_p50_ms, latency_p99_ms, cpu_ms, measured_at, host, cpu_model)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [p.family, p.variant, p.checksum, p.latencyP50Ms, p.latencyP99Ms, p.cpuMs,
                                 p.measuredAt.timeIntervalSince1970, p.host, p.cpuModel])
            return db.lastInsertedRowID
        }
    }

    /// The newest profile of the variant's *current* file, optionally only from `host`.
    public func latestProfile(family: String, variant: String, host: String? = nil) async throws -> DeviceProfile? {
        try SafeName.validate(family, what: "model family")
        try SafeName.validate(variant, what: "model variant")
        return try await read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT p.* FROM device_profiles p JOIN models m ON m.family = p.family AND m.variant = p.variant
                WHERE p.family = ? AND p.variant = ? AND p.checksum = m.checksum AND (? IS NULL OR p.host = ?)
                ORDER BY p.measured_at DESC, p.id DESC LIMIT 1
                """, arguments: [family, variant, host, host])
            return row.map { r in
                DeviceProfile(family: r["family"], variant: r["variant"], checksum: r["checksum"], latencyP50Ms: r["latency_p50_ms"],
                              latencyP99Ms: r["latency_p99_ms"], cpuMs: r["cpu_ms"], measuredAt: Date(timeIntervalSince1970: r["measured_at"]),
                              host: r["host"], cpuModel: r["cpu_model"])
            }
        }
    }
}
