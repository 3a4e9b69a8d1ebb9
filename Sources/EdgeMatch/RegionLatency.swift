/// Typical extra round-trip time when a player from one region plays on another region's
/// servers (rough public inter-continental RTTs, rounded). Symmetric; 0 within a region.
/// Used by `MatchFeatures` (`match_latency`) and by the simulator's quit model.
public enum RegionLatency {
    private static let table: [Region: [Region: Double]] = [
        .eu: [.na: 80, .sa: 190, .asia: 160, .oce: 280],
        .na: [.sa: 120, .asia: 150, .oce: 170],
        .sa: [.asia: 300, .oce: 300],
        .asia: [.oce: 110],
    ]

    /// Extra milliseconds between `a` and `b` (order does not matter).
    public static func roundTripMs(_ a: Region, _ b: Region) -> Double {
        if a == b { return 0 }
        return table[a]?[b] ?? table[b]?[a] ?? 0
    }
}
