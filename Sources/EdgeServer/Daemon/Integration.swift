import EdgeRuntime
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
    /// One answered request (route pattern, status, duration, peer uid, and the model variant
    /// that answered when an inference route did).
    case request(method: String, route: String, status: Int, durationMs: Double, uid: UInt32, served: ServedModel?)
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

