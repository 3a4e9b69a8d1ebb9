import Foundation

/// Groups of routes that share an access rule (`access.<group>` in the config file).
public enum RouteGroup: String, CaseIterable, Sendable, Codable {
    /// `GET /v1/health`.
    case health
    /// Read-only state: `/v1/status`, `/v1/models`.
    case read
    /// `GET /metrics`.
    case metrics
    /// Changes to the daemon's behaviour: `PUT /v1/models/{name}/level`.
    case admin
    /// Inference routes (speech, vision, match) when they are plugged in.
    case inference
}

/// Who may call a route group. The socket file's mode (0660) is the first gate; this is the
/// second, per route group, on the kernel-reported peer uid and primary gid.
public struct AccessRule: Sendable, Equatable, Codable {
    /// Any peer that can connect to the socket is allowed.
    public var allowAny: Bool
    /// Allowed user ids (in addition to root and the daemon's own uid, which are always allowed).
    public var uids: [UInt32]
    /// Allowed primary group ids of the peer.
    public var gids: [UInt32]

    public init(allowAny: Bool, uids: [UInt32] = [], gids: [UInt32] = []) {
        self.allowAny = allowAny
        self.uids = uids
        self.gids = gids
    }

    enum CodingKeys: String, CodingKey {
        case allowAny = "allow_any", uids, gids
    }
}

/// The per-group rules plus the daemon's own uid.
public struct AccessPolicy: Sendable, Equatable {
    public var rules: [RouteGroup: AccessRule]
    public var daemonUID: UInt32

    public init(rules: [RouteGroup: AccessRule], daemonUID: UInt32 = getuid()) {
        self.rules = rules
        self.daemonUID = daemonUID
    }

    /// Defaults: everyone who can open the socket may read and run inference; only root and the
    /// daemon's user may change levels.
    public static let defaultRules: [RouteGroup: AccessRule] = [
        .health: AccessRule(allowAny: true),
        .read: AccessRule(allowAny: true),
        .metrics: AccessRule(allowAny: true),
        .inference: AccessRule(allowAny: true),
        .admin: AccessRule(allowAny: false),
    ]

    public func allows(_ peer: PeerCredentials, _ group: RouteGroup) -> Bool {
        let rule = rules[group] ?? Self.defaultRules[group]!
        if rule.allowAny { return true }
        if peer == .unknown { return false }
        return peer.uid == 0 || peer.uid == daemonUID || rule.uids.contains(peer.uid) || rule.gids.contains(peer.gid)
    }

    /// Throws 403 unless `peer` may call `group`.
    public func check(_ peer: PeerCredentials, _ group: RouteGroup) throws(APIError) {
        guard allows(peer, group) else {
            throw .forbidden("uid \(peer.uid) (gid \(peer.gid)) may not call '\(group.rawValue)' routes; see access.\(group.rawValue) in the config file")
        }
    }
}
