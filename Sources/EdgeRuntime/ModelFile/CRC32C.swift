import CEdgeKernels

/// CRC-32C (Castagnoli), the model file's checksum; hardware-accelerated where the CPU has it.
public enum CRC32C {
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { ek_crc32c(0, $0.baseAddress, $0.count) }
    }
}
