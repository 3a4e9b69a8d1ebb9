import Foundation

/// Seams where the pieces built beside the server plug in. Each has a default that works
/// without the piece, so the server runs (and is tested) on its own.

/// Chooses the variant of a family whose level is `auto` (the governor implements this).
public protocol ModelLevelController: Sendable {
    /// The variant to run for `family` now and a human-readable reason, or nil for the default
    /// (the most accurate variant).
    func automaticVariant(for family: ModelCard) -> (variant: String, reason: String)?
}

/// The fallback without a governor: always the most accurate variant.
public struct MostAccurateLevelController: ModelLevelController {
    public init() {}
    public func automaticVariant(for family: ModelCard) -> (variant: String, reason: String)? { nil }
}

/// Something that happened which the event log (EdgeStore) should keep.
public enum ServerEvent: Sendable, Equatable {
    /// A variant became active: by a client's `PUT …/level`, by `auto`, or after a reload.
    case levelSwitch(family: String, from: String?, to: String, level: String, reason: String)
    /// One answered request (route pattern, status, duration, peer uid).
    case request(method: String, route: String, status: Int, durationMs: Double, uid: UInt32)
}

/// Receives server events. Called on event-loop threads: implementations must not block
/// (queue the write; EdgeStore batches it).
public protocol EventSink: Sendable {
    func record(_ event: ServerEvent)
}

/// Drops events (no store attached).
public struct NullEventSink: EventSink {
    public init() {}
    public func record(_ event: ServerEvent) {}
}

/// A section of `GET /v1/status` contributed by another component (e.g. the governor's
/// signals and budget under the key "governor").
public protocol StatusSection: Sendable {
    var key: String { get }
    func snapshot() -> JSONValue
}

/// A JSON value for sections whose shape the server does not know.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}
