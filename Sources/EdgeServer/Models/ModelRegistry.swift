import Foundation
import Synchronization

/// The level a client asked for: `auto` (the level controller decides) or a pinned variant.
public enum ModelLevel: Sendable, Equatable, CustomStringConvertible {
    case auto
    case pinned(String)

    public var description: String {
        switch self {
        case .auto: "auto"
        case .pinned(let v): v
        }
    }
}

/// The active variant of every family and why. Swaps are atomic (one lock, one reference
/// replaced); a request that leased a variant keeps it until it finishes.
public final class ModelRegistry: Sendable {
    /// What `GET /v1/status` reports for one family.
    public struct FamilyStatus: Sendable, Equatable {
        public var family: String
        public var level: ModelLevel
        public var activeVariant: String
        public var reason: String
        public var since: Date
    }

    struct Entry {
        var family: LoadedFamily
        var level: ModelLevel
        var active: LoadedVariant
        var reason: String
        var since: Date
    }

    struct State {
        var catalog: ModelCatalog
        var entries: [String: Entry]
    }

    private let state: Mutex<State>
    private let controller: any ModelLevelController
    private let events: any EventSink
    private let metrics: ServerMetrics?

    public init(catalog: ModelCatalog, controller: any ModelLevelController = MostAccurateLevelController(),
                events: any EventSink = NullEventSink(), metrics: ServerMetrics? = nil) {
        self.controller = controller
        self.events = events
        self.metrics = metrics
        var entries: [String: Entry] = [:]
        for (name, family) in catalog.families {
            let (variant, reason) = Self.automatic(family, controller)
            entries[name] = Entry(family: family, level: .auto, active: variant, reason: reason, since: Date())
        }
        state = Mutex(State(catalog: catalog, entries: entries))
    }

    public var catalog: ModelCatalog { state.withLock { $0.catalog } }

    /// The variant a new request for `family` runs on, or nil for an unknown family.
    public func lease(_ family: String) -> LoadedVariant? {
        state.withLock { $0.entries[family]?.active }
    }

    public func status() -> [FamilyStatus] {
        state.withLock { s in
            s.entries.values.map { FamilyStatus(family: $0.family.name, level: $0.level, activeVariant: $0.active.name, reason: $0.reason, since: $0.since) }
        }.sorted { $0.family < $1.family }
    }

    /// Applies a client's level. Throws 404 for an unknown family, 400 for an unknown variant.
    @discardableResult
    public func setLevel(_ family: String, _ level: ModelLevel, by peer: PeerCredentials) throws(APIError) -> FamilyStatus {
        let result: Result<(FamilyStatus, ServerEvent?), APIError> = state.withLock { s in
            guard var entry = s.entries[family] else {
                return .failure(.notFound("unknown model '\(family)'; known: \(s.entries.keys.sorted().joined(separator: ", "))"))
            }
            let (variant, reason): (LoadedVariant, String)
            switch level {
            case .auto:
                (variant, reason) = Self.automatic(entry.family, controller)
            case .pinned(let name):
                guard let v = entry.family.variant(named: name) else {
                    let names = ["auto"] + entry.family.variants.map(\.name)
                    return .failure(APIError(.badRequest, "unknown_variant", "model '\(family)' has no variant '\(name)'; levels: \(names.joined(separator: ", "))"))
                }
                (variant, reason) = (v, "pinned by uid \(peer.uid)")
            }
            let previous = entry.active.name
            entry.level = level
            entry.reason = reason
            if variant.name != previous { entry.since = Date() }
            entry.active = variant
            s.entries[family] = entry
            let event: ServerEvent? = variant.name != previous
                ? .levelSwitch(family: family, from: previous, to: variant.name, level: level.description, reason: reason) : nil
            return .success((FamilyStatus(family: family, level: level, activeVariant: variant.name, reason: reason, since: entry.since), event))
        }
        let (status, event) = try result.get()
        if let event { publish(event, kind: level == .auto ? "auto" : "pin") }
        return status
    }

    /// Re-asks the level controller for every `auto` family (the governor calls this when its
    /// budget changes); returns the families whose variant changed.
    @discardableResult
    public func reevaluate() -> [String] {
        let switched: [ServerEvent] = state.withLock { s in
            var out: [ServerEvent] = []
            for (name, var entry) in s.entries where entry.level == .auto {
                let (variant, reason) = Self.automatic(entry.family, controller)
                entry.reason = reason
                if variant.name != entry.active.name {
                    out.append(.levelSwitch(family: name, from: entry.active.name, to: variant.name, level: "auto", reason: reason))
                    entry.active = variant
                    entry.since = Date()
                }
                s.entries[name] = entry
            }
            return out
        }
        for e in switched { publish(e, kind: "governor") }
        return switched.compactMap { if case .levelSwitch(let f, _, _, _, _) = $0 { f } else { nil } }
    }

    /// Replaces the catalog (SIGHUP). Pinned levels survive if their variant still exists;
    /// otherwise the family falls back to auto and the reason says why.
    public func replaceCatalog(_ catalog: ModelCatalog) {
        let events: [ServerEvent] = state.withLock { s in
            var out: [ServerEvent] = []
            var entries: [String: Entry] = [:]
            for (name, family) in catalog.families {
                let old = s.entries[name]
                var level = old?.level ?? .auto
                var (variant, reason) = Self.automatic(family, controller)
                if case .pinned(let pinned) = level {
                    if let v = family.variant(named: pinned) {
                        (variant, reason) = (v, old?.reason ?? "pinned")
                    } else {
                        level = .auto
                        reason = "pinned variant '\(pinned)' is gone after reload; " + reason
                    }
                }
                let changed = old?.active.name != variant.name
                if changed { out.append(.levelSwitch(family: name, from: old?.active.name, to: variant.name, level: level.description, reason: "reload: " + reason)) }
                entries[name] = Entry(family: family, level: level, active: variant, reason: reason,
                                      since: changed ? Date() : (old?.since ?? Date()))
            }
            s = State(catalog: catalog, entries: entries)
            return out
        }
        for e in events { publish(e, kind: "reload") }
    }

    /// Sends a switch to the event log and counts it in metrics. A `governor` switch is split
    /// by direction along the ladder (most accurate first): `governor_down` / `governor_up`.
    private func publish(_ event: ServerEvent, kind: String) {
        events.record(event)
        guard let metrics, case .levelSwitch(let family, let from, let to, _, _) = event else { return }
        var reason = kind
        if kind == "governor", let from, let variants = catalog.families[family]?.variants.map(\.name),
           let i = variants.firstIndex(of: from), let j = variants.firstIndex(of: to) {
            reason = j > i ? "governor_down" : "governor_up"
        }
        metrics.recordLevelSwitch(model: family, reason: reason)
    }

    static func automatic(_ family: LoadedFamily, _ controller: any ModelLevelController) -> (LoadedVariant, String) {
        if let (name, reason) = controller.automaticVariant(for: family.card), let v = family.variant(named: name) {
            return (v, "auto: " + reason)
        }
        return (family.variants[0], "auto: most accurate variant (no governor decision)")
    }
}
