import CEdgeKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Clock and resource figures of this process, for benchmarks and device profiles.
public enum ProcessStats {
    #if os(Linux)
    private static let rusageSelf = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
    private static let rusageSelf = RUSAGE_SELF
    #endif

    /// Seconds on a monotonic clock.
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// User + system CPU seconds consumed by all threads of this process so far.
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(rusageSelf, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Peak resident set size in MiB (Linux reports ru_maxrss in KiB).
    public static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(rusageSelf, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

/// Which kernel implementations this process dispatches to.
public enum KernelInfo {
    /// "avx512", "avx2", "neon" or "scalar".
    public static var activeISA: String { String(cString: ek_isa_name(ek_active_isa())) }
    public static var detectedISA: String { String(cString: ek_isa_name(ek_detected_isa())) }
}
