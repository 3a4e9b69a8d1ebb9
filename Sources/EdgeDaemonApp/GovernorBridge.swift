import EdgeGovernor
import EdgeRuntime
import EdgeServer
import Foundation
import Logging
import Synchronization

/// Plugs the `Governor` into the daemon: it is the registry's `ModelLevelController` (the
/// variant of every `auto` family), the `governor` section of `GET /v1/status`, and it counts
/// inference requests. Its switch actions re-evaluate the registry, which swaps the variant
/// atomically and sends the level switch to the event log.
///
/// The governor is rebuilt from the catalog's cards whenever the router is (start-up and each
/// SIGHUP reload), so a reloaded ladder is governed at once; the old tick loop is cancelled.
public final class GovernorBridge: ModelLevelController, StatusSection, Sendable {
    struct Current {
        var governor: Governor?
        var loop: Task<Void, Never>?
    }

    public let configuration: GovernorConfiguration
    let logger: Logger
    /// Where notes other than variant switches go (mode changes, work reduction, warnings).
    let note: @Sendable (String) -> Void
    private let current = Mutex(Current())

    public init(configuration: GovernorConfiguration, logger: Logger, note: @escaping @Sendable (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.logger = logger
        self.note = note
    }

    public var governor: Governor? { current.withLock { $0.governor } }

    /// The ladders the governor manages: one per family whose card has the figures the governor
    /// needs (`LadderLoader`: accuracy, cpu_ms, latency per variant). A family without them is
    /// left out with a warning and stays at its most accurate variant.
    static func ladders(_ catalog: ModelCatalog, logger: Logger) -> [ModelLadder] {
        catalog.names.compactMap { name -> ModelLadder? in
            guard let family = catalog.families[name] else { return nil }
            do {
                return try LadderLoader.card(at: (family.directory as NSString).appendingPathComponent("card.json"))
            } catch {
                logger.warning("model family not governed: \(error)", metadata: ["family": "\(name)"])
                return nil
            }
        }
    }

    /// Builds a governor for `registry`'s catalog, ticks once, applies its choice, and (when
    /// `runLoop`) starts its tick loop. A bad ladder leaves the families at their most accurate
    /// variant and is logged.
    public func attach(to registry: ModelRegistry, runLoop: Bool = true) {
        let governor: Governor
        do {
            governor = try Governor(configuration: configuration, ladders: Self.ladders(registry.catalog, logger: logger)) { [weak registry, logger, note] event in
                switch event {
                case .action(.switchVariant):
                    registry?.reevaluate()
                case .action(let action):
                    logger.info("governor", metadata: ["action": "\(action)"])
                    note(action.description)
                case .warning(let warning):
                    logger.warning("governor signal", metadata: ["warning": "\(warning)"])
                    note("warning: " + warning)
                }
            }
        } catch {
            logger.error("governor disabled: \(error.message)")
            detach()
            return
        }
        let old = current.withLock { c -> Task<Void, Never>? in
            let old = c.loop
            c = Current(governor: governor, loop: nil)
            return old
        }
        old?.cancel()
        governor.tick()
        registry.reevaluate()
        guard runLoop else { return }
        let loop = Task.detached { await governor.run() }
        current.withLock { $0.loop = loop }
    }

    /// Stops the tick loop (shutdown).
    public func detach() {
        let old = current.withLock { c -> Task<Void, Never>? in
            let old = c.loop
            c = Current()
            return old
        }
        old?.cancel()
    }

    public func recordRequest(family: String) {
        governor?.recordRequest(model: family)
    }

    /// The variant for a request's constraints (`Governor.resolve`); nil when the family is not
    /// governed (no governor, or its card lacks the figures). Values are validated by the route.
    public func resolve(family: String, constraints: RequestConstraints) -> Resolution? {
        try? governor?.resolve(model: family, constraints: constraints)
    }

    // MARK: ModelLevelController

    public func automaticVariant(for family: ModelCard) -> (variant: String, reason: String)? {
        guard let governor, let variant = governor.variant(for: family.family) else { return nil }
        let reason = governor.status.models.first { $0.model == family.family }?.reason ?? "governor: first rung before the first tick"
        return (variant, "governor: " + reason)
    }

    // MARK: StatusSection

    public var key: String { "governor" }

    public func snapshot() -> JSONValue {
        guard let governor else { return .object(["enabled": .bool(false)]) }
        do {
            let data = try JSONCoding.encoder.encode(governor.status)
            var value = try JSONCoding.decoder.decode(JSONValue.self, from: data)
            if case .object(var o) = value { o["enabled"] = .bool(true); value = .object(o) }
            return value
        } catch {
            return .object(["enabled": .bool(true), "error": .string("\(error)")])
        }
    }
}
